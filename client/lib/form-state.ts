import type { FieldError } from './types';

/** What a server action hands back to its form after a refusal: the errors, and what was typed. */
export type FormState = { errors: FieldError[]; values?: Record<string, string> } | null;
