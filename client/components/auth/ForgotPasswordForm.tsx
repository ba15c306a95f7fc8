'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { requestPasswordResetAction } from '@/lib/password-reset-actions';
import { useSubmit } from '@/lib/use-submit';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['email'] as const;

export function ForgotPasswordForm() {
  const router = useRouter();
  const [state, formAction] = useActionState(requestPasswordResetAction, null);
  const [email, setEmail] = useState(state?.values?.email ?? '');
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS, state?.errors);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api('POST', '/api/users/password-reset', { email: email.trim() });
      if (!result.ok) return result.errors;
      router.push('/auth/forgot-password?sent=1');
    });
  }

  return (
    <form
      ref={formRef}
      action={formAction}
      className="form card"
      onSubmit={onSubmit}
      noValidate
      data-testid="forgot-password-form"
    >
      <FormAlert messages={generalErrors} />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldErrors.email}
      />
      <SubmitButton pending={pending} pendingLabel="Sending…">
        Email me a reset link
      </SubmitButton>
      <p className="muted small">
        Remembered it? <Link href="/auth/signin">Sign in</Link>
      </p>
    </form>
  );
}
