/** Seconds left when screen readers are told that time is running out. */
export const ANNOUNCE_AT_MS = 150_000;

/**
 * A polite live region, silent until the hold has two and a half minutes left; its text then stays the
 * same, so it is announced once.
 */
export function HoldAnnouncement({ remainingMs, title }: { remainingMs: number; title: string }) {
  const due = remainingMs > 0 && remainingMs <= ANNOUNCE_AT_MS;
  return (
    <p className="visually-hidden" aria-live="polite" data-testid="hold-announcement">
      {due ? `2 minutes 30 seconds left to pay for ${title}.` : ''}
    </p>
  );
}
