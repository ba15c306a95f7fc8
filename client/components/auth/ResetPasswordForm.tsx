'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { api } from '@/lib/browser-api';
import { resetPasswordAction } from '@/lib/password-reset-actions';
import { useActionForm } from '@/lib/use-action-form';
import { Field } from '../ui/Field';
import { FormCard } from '../ui/FormCard';
import { SubmitButton } from '../ui/SubmitButton';

export function ResetPasswordForm({ token }: { token: string }) {
  const router = useRouter();
  const { form, field, pending } = useActionForm({
    action: resetPasswordAction,
    fields: ['newPassword'],
    initial: () => ({ newPassword: '' }),
    async submit({ newPassword }) {
      const result = await api('POST', '/api/users/password-reset/confirm', { token, newPassword });
      if (!result.ok) return result.errors;
      router.replace('/auth/signin?reset=1');
      router.refresh();
    },
  });

  return (
    <FormCard form={form} testId="reset-password-form">
      <input type="hidden" name="token" value={token} />
      <Field
        {...field('newPassword')}
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="12 to 128 characters, not one of the most common passwords, not your email."
        required
      />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Set new password
      </SubmitButton>
      <p className="muted small">
        Link expired or already used? <Link href="/auth/forgot-password">Ask for a new one</Link>.
      </p>
    </FormCard>
  );
}
