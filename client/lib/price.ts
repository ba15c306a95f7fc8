import type { FieldError } from './types';

/**
 * What a seller types → a number: "12.5", "$1,234.50" and " 25 " are fine; thousands separators must
 * sit every three digits. The API checks the range and the two decimal places and answers with field errors.
 */
/**
 * The API answers every field error at once. A value the form could not even read (a price, a start) is
 * sent so that the API refuses it (nothing is saved), and the form's own error replaces the API's for that field.
 */
export function withLocalErrors(apiErrors: FieldError[], local: FieldError[]): FieldError[] {
  const fields = new Set(local.map((e) => e.field));
  return [...apiErrors.filter((e) => !fields.has(e.field)), ...local];
}

export function parsePrice(raw: string): number | FieldError {
  const value = raw.trim().replace(/^\$\s*/, '');
  if (value === '') return { field: 'price', message: 'Enter a price' };
  const plain = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replace(/,/g, '') : value;
  if (!/^-?\d+(\.\d+)?$/.test(plain) && !/^-?\.\d+$/.test(plain)) {
    return { field: 'price', message: 'Price must be a number, like 25 or 1,234.50' };
  }
  return Number(plain);
}
