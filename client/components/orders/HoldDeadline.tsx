'use client';

import { formatInZone } from '@/lib/local-time';
import { useHydrated } from '@/lib/use-hydrated';
import { useNow } from '@/lib/use-now';

/** When a hold that starts now would end, in the viewer's zone (UTC in the server HTML). */
export function HoldDeadline({ holdSeconds, serverNow }: { holdSeconds: number; serverNow: number }) {
  const now = useNow(serverNow, 15_000);
  const hydrated = useHydrated();
  const iso = new Date(now + holdSeconds * 1000).toISOString();
  return (
    <time dateTime={iso} data-testid="hold-deadline">
      {formatInZone(iso, hydrated ? undefined : 'UTC')}
    </time>
  );
}
