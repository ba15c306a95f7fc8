import { z } from 'zod';

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
