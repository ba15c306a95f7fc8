'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useState, type FormEvent } from 'react';
import { authAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { safeNext } from '@/lib/paths';
import { useSubmit } from '@/lib/use-submit';
import type { CurrentUser } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['email', 'password'] as const;

export function AuthForm({ mode, next }: { mode: 'signup' | 'signin'; next?: string }) {
  const router = useRouter();
  const [state, formAction] = useActionState(authAction, null);
  const [email, setEmail] = useState(state?.values?.email ?? '');
  const [password, setPassword] = useState('');
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS, state?.errors);
  const signup = mode === 'signup';
  const target = safeNext(next);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api<CurrentUser>('POST', `/api/users/${mode}`, { email: email.trim(), password });
      if (!result.ok) return result.errors;
      router.replace(target);
      router.refresh();
    });
  }

  const otherHref = `${signup ? '/auth/signin' : '/auth/signup'}${next ? `?next=${encodeURIComponent(target)}` : ''}`;
  return (
    <form
      ref={formRef}
      action={formAction}
      className="form card"
      onSubmit={onSubmit}
      noValidate
      data-testid={`${mode}-form`}
    >
      <input type="hidden" name="mode" value={mode} />
      <input type="hidden" name="next" value={target} />
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
      <Field
        name="password"
        label="Password"
        type="password"
        autoComplete={signup ? 'new-password' : 'current-password'}
        hint={signup ? '12 to 128 characters, not one of the most common passwords, not your email.' : undefined}
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldErrors.password}
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
    </form>
  );
}
