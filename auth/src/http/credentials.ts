import { z } from 'zod';
import { isCommonPassword } from '../common-passwords';

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

/** Sign-up also refuses a password that is among the most common ones (sign-in does not judge old ones). */
export const signupSchema = credentialsSchema.extend({
  password: credentialsSchema.shape.password.refine(
    (password) => !isCommonPassword(password),
    'This password is one of the most common: choose one that is harder to guess',
  ),
});
