import { z } from 'zod';
import { NotFoundError, RequestValidationError } from './errors';

/**
 * Parses a request part with a schema; on failure throws a 400 whose errors name their fields.
 * A body that is not a JSON object (array, string, absent) is treated as an empty object.
 */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const input = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
  const result = schema.safeParse(input);
  if (!result.success) {
    const seen = new Set<string>();
    const errors = result.error.issues
      .map((issue) => ({ message: issue.message, field: issue.path.join('.') || undefined }))
      .filter((e) => {
        const key = e.field ?? '';
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    throw new RequestValidationError(errors);
  }
  return result.data;
}

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id is simply not found (DESIGN.md: 404 also for a malformed id). */
export function parseIdParam(value: unknown, what = 'Not found'): string {
  if (typeof value !== 'string' || !uuidPattern.test(value)) throw new NotFoundError(what);
  return value.toLowerCase();
}

/** Money on the wire is a decimal with at most two places; inside the system it is integer cents. */
export const priceSchema = z
  .number({ error: 'Price must be a number' })
  .gt(0, 'Price must be greater than 0')
  .lte(1_000_000, 'Price must be at most 1,000,000')
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'Price can have at most two decimal places')
  // A positive amount so small that it rounds to 0 cents (1e-9) passes the checks above.
  .refine((n) => Math.round(n * 100) >= 1, 'Price must be greater than 0');

export const toCents = (price: number): number => Math.round(price * 100);
export const fromCents = (cents: number): number => cents / 100;
