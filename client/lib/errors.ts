import type { FieldError } from './types';

/**
 * Reads `{ errors: [{ message, field? }] }`; anything else becomes one generic message. A 429 that says how
 * long to wait (`retryAfter`, the Retry-After header) is told in those words: the services say only "later".
 */
export function parseErrors(body: unknown, status: number, retryAfter?: string | null): FieldError[] {
  const wait = status === 429 ? retryAfterSeconds(retryAfter) : null;
  if (wait !== null) return [{ message: tooManyAttemptsMessage(wait) }];
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

// An HTTP date as senders write it (IMF-fixdate); Date.parse alone reads almost anything, "-5" included.
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After in whole seconds from now: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | null {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  const at = HTTP_DATE.test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The wait in seconds under a minute, else in minutes rounded up (a 900 s window reads "15 minutes"). */
export function tooManyAttemptsMessage(seconds: number): string {
  const [count, unit] = seconds < 60 ? [Math.max(1, seconds), 'second'] : [Math.ceil(seconds / 60), 'minute'];
  return `Too many attempts. Try again in ${count} ${unit}${count === 1 ? '' : 's'}.`;
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
