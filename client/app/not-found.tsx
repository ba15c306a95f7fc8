import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Not found' };

export default function NotFound() {
  return (
    <div className="narrow empty card" data-testid="not-found">
      <h1>Not found</h1>
      <p className="muted">That page, ticket or order does not exist — or it is not yours.</p>
      <Link href="/" className="button button-primary">
        Back to tickets
      </Link>
    </div>
  );
}
