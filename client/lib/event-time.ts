/**
 * An event's start is kept with the UTC offset the seller gave it: it is shown at that wall-clock time,
 * the time at the venue, with the offset named, the same on the server and in every browser.
 */

const OFFSET = /([+-])(\d{2}):(\d{2})$/;

function offsetMinutes(iso: string): number {
  const match = OFFSET.exec(iso);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

/** The wall-clock time in the given offset, as a Date whose UTC fields hold it. */
function wallClock(iso: string): Date | null {
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return null;
  return new Date(instant.getTime() + offsetMinutes(iso) * 60_000);
}

function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2027-05-01T20:00:00+02:00" → "Sat, May 1, 2027, 8:00 PM (UTC+02:00)". */
export function formatEventStart(iso: string): string {
  const local = wallClock(iso);
  if (!local) return iso;
  const text = local.toLocaleString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: 'UTC',
  });
  return `${text} (${offsetLabel(offsetMinutes(iso))})`;
}

/** The value of a datetime-local input showing the start as the seller gave it: "2027-05-01T20:00". */
export function toDateTimeLocal(iso: string): string {
  return wallClock(iso)?.toISOString().slice(0, 16) ?? '';
}

/**
 * A datetime-local value read in the browser's time zone ("2027-05-01T20:00" in Paris in May) as
 * ISO-8601 with that zone's offset on that date: "2027-05-01T20:00:00+02:00". Null when it is not a date-time.
 */
export function fromDateTimeLocal(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const local = new Date(value);
  if (Number.isNaN(local.getTime())) return null;
  const minutes = -local.getTimezoneOffset();
  const abs = Math.abs(minutes);
  const offset = `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${value.slice(0, 16)}:00${offset}`;
}

/** A calendar day ("2027-05-01") at the start or the end of that day in the given offset, for the list's filter. */
export function dayBoundary(day: string, edge: 'start' | 'end', offsetMinutesEastOfUtc = 0): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) return null;
  const abs = Math.abs(offsetMinutesEastOfUtc);
  const sign = offsetMinutesEastOfUtc < 0 ? '-' : '+';
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${day}T${edge === 'start' ? '00:00:00' : '23:59:59'}${offset}`;
}
