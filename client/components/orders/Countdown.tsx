import { formatRemaining } from '@/lib/format';

/** Time left in the hold window; the parent owns the clock (see useNow). */
export function Countdown({ expiresAt, now }: { expiresAt: string; now: number }) {
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
      <span className="small muted">Pay before the timer runs out, or the ticket goes back on sale.</span>
    </div>
  );
}
