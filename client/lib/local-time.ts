const OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/**
 * "Dec 2, 2026, 5:05 AM GMT+1": a date and time with its zone named. Without `timeZone`, the zone of
 * whoever runs it (the viewer's browser); the server passes "UTC", since it does not know the viewer's zone.
 */
export function formatInZone(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-US', { ...OPTIONS, ...(timeZone ? { timeZone } : {}) });
}
