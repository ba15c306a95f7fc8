import { z } from 'zod';

// The one place money changes shape. Inside the system (TypeScript, SQL, the bus) money is integer
// cents, named …Cents / …_cents (the bus events' `price` and `amount` are cents by the catalog's
// definition); the HTTP API shows a decimal amount with at most two places.

/** Money on the wire is a decimal with at most two places; inside the system it is integer cents. */
export const priceSchema = z
  .number({ error: 'Price must be a number' })
  .gt(0, 'Price must be greater than 0')
  .lte(1_000_000, 'Price must be at most 1,000,000')
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'Price can have at most two decimal places')
  // A positive amount so small that it rounds to 0 cents (1e-9) passes the checks above.
  .refine((n) => Math.round(n * 100) >= 1, 'Price must be greater than 0');

/** A decimal API amount (already validated by priceSchema) in integer cents. */
export const toCents = (decimal: number): number => Math.round(decimal * 100);
/** Integer cents as the API's decimal amount. */
export const fromCents = (cents: number): number => cents / 100;
