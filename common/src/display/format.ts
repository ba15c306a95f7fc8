/**
 * How MicroTick shows money and times to people: the web client's pages and the notifications service's
 * emails use these same functions, so a receipt reads exactly like the page it links to. Pure (Intl only),
 * so the client can import this file without the rest of common.
 */

const currency = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** 12.5 → "$12.50". */
export function formatPrice(price: number): string {
  return currency.format(price);
}

const LOCAL_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/**
 * "Dec 2, 2026, 5:05 AM GMT+1": a date and time with its zone named. Without `timeZone`, the zone of
 * whoever runs it (the viewer's browser); a server passes "UTC", since it does not know the viewer's zone.
 */
export function formatInZone(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-US', { ...LOCAL_TIME, ...(timeZone ? { timeZone } : {}) });
}

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

/** The wall-clock time in the offset an ISO-8601 value carries, as a Date whose UTC fields hold it. */
export function wallClock(iso: string): Date | null {
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
