import { formatRemaining } from '@/lib/format';
import { HoldAnnouncement } from './HoldAnnouncement';
import { LocalTime } from '../ui/LocalTime';

/** Time left in the hold window; the parent owns the clock (see useNow). */
export function Countdown({ expiresAt, now, title }: { expiresAt: string; now: number; title: string }) {
  const remaining = Date.parse(expiresAt) - now;
  const urgent = remaining < 60_000;
  return (
    <div className={`countdown${urgent ? ' countdown-urgent' : ''}`}>
      <span className="countdown-label" id="countdown-label">
        Reserved for you for
      </span>
      <span className="countdown-value" role="timer" aria-labelledby="countdown-label" data-testid="countdown">
        {formatRemaining(remaining)}
      </span>
      <span className="small muted">
        Pay by <LocalTime iso={expiresAt} testId="pay-by" />, or the ticket goes back on sale.
      </span>
      <HoldAnnouncement remainingMs={remaining} title={title} />
    </div>
  );
}
