'use server';

import { redirect } from 'next/navigation';
import { serverWrite } from './server-write';
import type { FormState } from './form-state';

/** The password reset forms without JavaScript (see actions.ts): post, then redirect like a classic form. */

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export async function requestPasswordResetAction(_previous: FormState, form: FormData): Promise<FormState> {
  const email = text(form, 'email').trim();
  const result = await serverWrite('auth', 'POST', '/api/users/password-reset', { email });
  if (!result.ok) return { errors: result.errors, values: { email } };
  redirect('/auth/forgot-password?sent=1');
}

export async function resetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await serverWrite('auth', 'POST', '/api/users/password-reset/confirm', {
    token: text(form, 'token'),
    newPassword: text(form, 'newPassword'),
  });
  if (!result.ok) return { errors: result.errors };
  redirect('/auth/signin?reset=1');
}
