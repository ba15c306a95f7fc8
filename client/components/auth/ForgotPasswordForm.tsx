'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { api } from '@/lib/browser-api';
import { requestPasswordResetAction } from '@/lib/password-reset-actions';
import { useActionForm } from '@/lib/use-action-form';
import { Field } from '../ui/Field';
import { FormCard } from '../ui/FormCard';
import { SubmitButton } from '../ui/SubmitButton';

export function ForgotPasswordForm() {
  const router = useRouter();
  const { form, field, pending } = useActionForm({
    action: requestPasswordResetAction,
    fields: ['email'],
    initial: (typed) => ({ email: typed?.email ?? '' }),
    async submit({ email }) {
      const result = await api('POST', '/api/users/password-reset', { email: email.trim() });
      if (!result.ok) return result.errors;
      router.push('/auth/forgot-password?sent=1');
    },
  });

  return (
    <FormCard form={form} testId="forgot-password-form">
      <Field {...field('email')} label="Email" type="email" autoComplete="email" required />
      <SubmitButton pending={pending} pendingLabel="Sending…">
        Email me a reset link
      </SubmitButton>
      <p className="muted small">
        Remembered it? <Link href="/auth/signin">Sign in</Link>
      </p>
    </FormCard>
  );
}
