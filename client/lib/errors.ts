import type { FieldError } from './types';

/** Reads `{ errors: [{ message, field? }] }`; anything else becomes one generic message. */
export function parseErrors(body: unknown, status: number): FieldError[] {
  if (body && typeof body === 'object' && Array.isArray((body as { errors?: unknown }).errors)) {
    const errors = (body as { errors: unknown[] }).errors
      .filter((e): e is { message: unknown; field?: unknown } => !!e && typeof e === 'object' && 'message' in e)
      .map((e) => ({
        message: String(e.message),
        ...(typeof e.field === 'string' && e.field ? { field: e.field } : {}),
      }));
    if (errors.length > 0) return errors;
  }
  return [{ message: fallbackMessage(status) }];
}

export function fallbackMessage(status: number): string {
  if (status === 0) return 'Could not reach MicroTick. Check your connection and try again.';
  if (status === 401) return 'Please sign in to continue.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  return `Request failed (${status}).`;
}

/** Field errors for the form's own fields go next to them; the rest above the form. */
export function splitErrors(
  errors: FieldError[],
  fields: readonly string[],
): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const error of errors) {
    if (error.field && fields.includes(error.field) && !byField[error.field]) byField[error.field] = error.message;
    else general.push(error.message);
  }
  return { byField, general };
}
