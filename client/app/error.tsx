'use client';

/** Any server-side failure (e.g. a service is down) lands here instead of a blank page. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="narrow empty card" role="alert" data-testid="error-page">
      <h1>Something went wrong</h1>
      <p className="muted">We could not load this page. Please try again in a moment.</p>
      {digest && <p className="muted small">Reference: {digest}</p>}
      <button type="button" className="button button-primary" onClick={() => retry()}>
        Try again
      </button>
    </div>
  );
}
