import { z } from 'zod';
import { isCommonPassword } from '../rules';

export const credentialsSchema = z.object({
  email: z
    .string({ error: 'Email must be a string' })
    .trim()
    .toLowerCase()
    .max(254, 'Email is too long')
    .pipe(z.email({ error: 'Email must be valid' })),
  password: z
    .string({ error: 'Password must be a string' })
    .min(8, 'Password must be between 8 and 128 characters')
    .max(128, 'Password must be between 8 and 128 characters'),
});

export const NEW_PASSWORD_LENGTH = 'Password must be between 12 and 128 characters';

/**
 * Rules for a password being set (sign-up, change); sign-in does not judge old ones, so existing
 * 8-character passwords still work. The email's local part counts only from 3 characters: a shorter one
 * would rule out most passwords.
 */
export function newPasswordProblem(password: string, email: string): string | undefined {
  if (password.length < 12 || password.length > 128) return NEW_PASSWORD_LENGTH;
  if (isCommonPassword(password)) return 'This password is one of the most common: choose one that is harder to guess';
  if (/^(.)\1*$/su.test(password)) return 'Password must not be one character repeated';
  const localPart = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  if (localPart.length >= 3 && password.toLowerCase().includes(localPart)) {
    return 'Password must not contain your email address';
  }
  return undefined;
}

export const signupSchema = credentialsSchema
  .extend({ password: z.string({ error: 'Password must be a string' }) })
  .superRefine(({ email, password }, ctx) => {
    const problem = newPasswordProblem(password, email);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  });

export const changePasswordSchema = z.object({
  currentPassword: z
    .string({ error: 'Current password must be a string' })
    .min(1, 'Current password is required')
    .max(128),
  newPassword: z.string({ error: 'New password must be a string' }),
});
