import type { FieldError } from './types';

/**
 * What a seller types → a number: "12.5", "$1,234.50" and " 25 " are fine; thousands separators must
 * sit every three digits. The API checks the range and the two decimal places and answers with field errors.
 */
/**
 * The API answers every field error at once; a price that could not even be read is sent as null (the
 * API refuses it, so nothing is saved) and its error here replaces the API's.
 */
export function withPriceError(apiErrors: FieldError[], priceError: FieldError): FieldError[] {
  return [...apiErrors.filter((e) => e.field !== 'price'), priceError];
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
