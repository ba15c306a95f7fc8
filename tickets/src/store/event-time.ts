/**
 * An event's start as the seller gave it: an instant and the UTC offset they wrote it in. The offset is
 * kept so "20:00+02:00" reads back as 20:00+02:00, not as the same instant in UTC.
 */
export interface EventTime {
  at: Date;
  offsetMinutes: number;
}

/** Reads an ISO-8601 date-time with an offset ("Z" or ±HH:MM), already validated as such. */
export function parseEventTime(text: string): EventTime {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const offsetMinutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return { at: new Date(text), offsetMinutes };
}

/** The ISO-8601 text of the instant in the seller's offset: seconds always, milliseconds when there are any. */
export function formatEventTime({ at, offsetMinutes }: EventTime): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().replace(/\.000Z$|Z$/, '');
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hhmm}`;
}
