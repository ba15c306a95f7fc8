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
