import { z } from 'zod';
import { newPasswordProblem } from '../rules';

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
