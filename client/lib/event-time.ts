import type { FieldError } from './types';

// Shared with the notifications service's emails, so they show event times as these pages do.
import { wallClock } from '../../common/src/display/format';
export { formatEventStart } from '../../common/src/display/format';

/** The value of a datetime-local input showing the start as the seller gave it: "2027-05-01T20:00". */
export function toDateTimeLocal(iso: string): string {
  return wallClock(iso)?.toISOString().slice(0, 16) ?? '';
}

function offsetText(minutesEastOfUtc: number): string {
  const abs = Math.abs(minutesEastOfUtc);
  return `${minutesEastOfUtc < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const DATE_TIME_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * A datetime-local value read in the browser's time zone ("2027-05-01T20:00" in Paris in May) as
 * ISO-8601 with that zone's offset on that date: "2027-05-01T20:00:00+02:00". Null when it is not a date-time.
 */
export function fromDateTimeLocal(value: string): string | null {
  if (!DATE_TIME_LOCAL.test(value)) return null;
  const local = new Date(value);
  if (Number.isNaN(local.getTime())) return null;
  return `${value.slice(0, 16)}:00${offsetText(-local.getTimezoneOffset())}`;
}

/**
 * A datetime-local value read at a fixed offset (minutes east of UTC), for the server action behind the
 * sell form, which does not know the seller's zone: "2027-05-01T20:00", 120 → "2027-05-01T20:00:00+02:00".
 * Null when it is not a date-time.
 */
export function fromDateTimeLocalAt(value: string, offsetMinutesEastOfUtc: number): string | null {
  if (!DATE_TIME_LOCAL.test(value) || Number.isNaN(Date.parse(`${value.slice(0, 16)}:00Z`))) return null;
  return `${value.slice(0, 16)}:00${offsetText(offsetMinutesEastOfUtc)}`;
}

/** A browser's UTC offset as TimeZoneField sends it ("-300"), or UTC (0) when it is missing or not an offset. */
export function parseOffset(raw: string): number {
  const minutes = /^[+-]?\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  return Number.isFinite(minutes) && Math.abs(minutes) <= 18 * 60 ? minutes : 0;
}

/** A calendar day ("2027-05-01") at the start or the end of that day in the given offset, for the list's filter. */
export function dayBoundary(day: string, edge: 'start' | 'end', offsetMinutesEastOfUtc = 0): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return null;
  return `${day}T${edge === 'start' ? '00:00:00' : '23:59:59'}${offsetText(offsetMinutesEastOfUtc)}`;
}

/**
 * Whether the home page's date filter applies its field's value as it changes (with JavaScript): when it
 * was cleared or holds a whole day. Not while a day is being typed: a partly typed date reads '' with
 * `badInput`, and a year typed digit by digit passes through 0002, 0020 and 0202 first.
 */
export function dateFilterReady(value: string, badInput: boolean): boolean {
  if (badInput) return false;
  if (value === '') return true;
  return dayBoundary(value, 'start') !== null && Number(value.slice(0, 4)) >= 1000;
}

/**
 * What the sell form sends as `startsAt` for its datetime-local value: `undefined` when an edit leaves it
 * as it was (so it keeps the offset it was given, and an edit still saves once it passed), `null` for no
 * start, else the start read by `read`. A value that cannot be read is sent as typed, so the API refuses
 * it and nothing is saved, with the form's own error.
 */
export function startToSend(
  value: string,
  initial: string,
  editing: boolean,
  read: (value: string) => string | null,
): { startsAt: string | null | undefined; error?: FieldError } {
  if (editing && value === initial) return { startsAt: undefined };
  if (!value) return { startsAt: null };
  const startsAt = read(value);
  if (startsAt) return { startsAt };
  return { startsAt: value, error: { field: 'startsAt', message: 'Enter a date and time, like 2027-05-01 20:00' } };
}
