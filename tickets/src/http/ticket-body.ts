import { priceSchema, toCents } from '@microtick/common';
import { z } from 'zod';

export const ticketBodySchema = z
  .object({
    title: z
      .string({ error: 'Title must be a string' })
      .trim()
      .min(1, 'Title is required')
      .max(200, 'Title must be at most 200 characters')
      // PostgreSQL cannot store NUL, and no title needs control characters or unpaired surrogates.
      .refine((title) => !/[\p{Cc}\p{Cs}]/u.test(title), 'Title must not contain control characters'),
    price: priceSchema,
  })
  .transform(({ title, price }) => ({ title, priceCents: toCents(price) }));
