'use client';

import { formatInZone } from '@/lib/local-time';
import { useHydrated } from '@/lib/use-hydrated';

/**
 * A date and time in the viewer's own zone, with the zone shown. The server does not know the zone, so
 * the server HTML (all a visitor without JavaScript sees) says it in UTC, and the browser rewrites it.
 */
export function LocalTime({ iso, testId }: { iso: string; testId?: string }) {
  const hydrated = useHydrated();
  return (
    <time dateTime={iso} data-testid={testId}>
      {formatInZone(iso, hydrated ? undefined : 'UTC')}
    </time>
  );
}
