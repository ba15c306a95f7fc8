export default function Loading() {
  return (
    <p role="status" className="muted loading">
      <span className="spinner" aria-hidden="true" /> Loading…
    </p>
  );
}
