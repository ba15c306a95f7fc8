'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { authAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { safeNext } from '@/lib/paths';
import { useActionForm } from '@/lib/use-action-form';
import type { CurrentUser } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormCard } from '../ui/FormCard';
import { SubmitButton } from '../ui/SubmitButton';

// Auth's rules (auth/src/http/credentials.ts, auth/src/rules.ts): sign-in still takes the 8-character
// passwords of older accounts; a new password has at least 12.
const PASSWORD_MIN_LENGTH = 8;
const NEW_PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 128;

export function AuthForm({ mode, next }: { mode: 'signup' | 'signin'; next?: string }) {
  const router = useRouter();
  const signup = mode === 'signup';
  const target = safeNext(next);
  const { form, field, pending } = useActionForm({
    action: authAction,
    fields: ['email', 'password'],
    // The password is never sent back to the page.
    initial: (typed) => ({ email: typed?.email ?? '', password: '' }),
    async submit({ email, password }) {
      const result = await api<CurrentUser>('POST', `/api/users/${mode}`, { email: email.trim(), password });
      if (!result.ok) return result.errors;
      router.replace(target);
      router.refresh();
    },
  });

  const otherHref = `${signup ? '/auth/signin' : '/auth/signup'}${next ? `?next=${encodeURIComponent(target)}` : ''}`;
  return (
    <FormCard form={form} testId={`${mode}-form`} validate>
      <input type="hidden" name="mode" value={mode} />
      <input type="hidden" name="next" value={target} />
      <Field {...field('email')} label="Email" type="email" autoComplete="email" required />
      <Field
        {...field('password')}
        label="Password"
        type="password"
        autoComplete={signup ? 'new-password' : 'current-password'}
        hint={signup ? '12 to 128 characters, not one of the most common passwords, not your email.' : undefined}
        required
        minLength={signup ? NEW_PASSWORD_MIN_LENGTH : PASSWORD_MIN_LENGTH}
        maxLength={PASSWORD_MAX_LENGTH}
      />
      {!signup && (
        <p className="small">
          <Link href="/auth/forgot-password">Forgot password?</Link>
        </p>
      )}
      <SubmitButton pending={pending} pendingLabel={signup ? 'Creating account…' : 'Signing in…'}>
        {signup ? 'Create account' : 'Sign in'}
      </SubmitButton>
      <p className="muted small">
        {signup ? 'Already have an account? ' : 'New to MicroTick? '}
        <Link href={otherHref}>{signup ? 'Sign in' : 'Create an account'}</Link>
      </p>
    </FormCard>
  );
}
