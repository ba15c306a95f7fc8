'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { formatRemaining } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import type { Hold } from '@/lib/types';
import { HoldAnnouncement } from './HoldAnnouncement';

/** On every page while the buyer holds tickets: each one, its time left and a link to pay. */
export function HoldBanner({ holds, serverNow }: { holds: Hold[]; serverNow: number }) {
  const now = useNow(serverNow);
  const pathname = usePathname();
  // The order's own page already shows its countdown.
  const shown = holds.filter((hold) => Date.parse(hold.expiresAt) > now && pathname !== `/orders/${hold.orderId}`);
  if (shown.length === 0) return null;
  return (
    <aside className="hold-banner" aria-label="Tickets held for you" data-testid="hold-banner">
      <ul className="container">
        {shown.map((hold) => {
          const remaining = Date.parse(hold.expiresAt) - now;
          return (
            <li key={hold.orderId} className="hold-banner-item">
              <span className="hold-banner-title">
                Held for you: <strong>{hold.title}</strong>
              </span>
              <span className="hold-banner-time">
                <span data-testid="hold-banner-time">{formatRemaining(remaining)}</span> left
              </span>
              <Link href={`/orders/${hold.orderId}`} className="button button-primary button-small">
                Pay now
              </Link>
              <HoldAnnouncement remainingMs={remaining} title={hold.title} />
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
