'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { resetPasswordAction } from '@/lib/password-reset-actions';
import { useSubmit } from '@/lib/use-submit';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['newPassword'] as const;

export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const [state, formAction] = useActionState(resetPasswordAction, null);
  const [newPassword, setNewPassword] = useState('');
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS, state?.errors);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api('POST', '/api/users/password-reset/confirm', { token, newPassword });
      if (!result.ok) return result.errors;
      router.replace('/auth/signin?reset=1');
      router.refresh();
    });
  }

  return (
    <form
      ref={formRef}
      action={formAction}
      className="form card"
      onSubmit={onSubmit}
      noValidate
      data-testid="reset-password-form"
    >
      <input type="hidden" name="token" value={token} />
      <FormAlert messages={generalErrors} />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="12 to 128 characters, not one of the most common passwords, not your email."
        required
        value={newPassword}
        onChange={(e) => setNewPassword(e.target.value)}
        error={fieldErrors.newPassword}
      />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Set new password
      </SubmitButton>
      <p className="muted small">
        Link expired or already used? <Link href="/auth/forgot-password">Ask for a new one</Link>.
      </p>
    </form>
  );
}
