import Link from 'next/link';
import { TicketCard } from '@/components/tickets/TicketCard';
import { redirect } from 'next/navigation';
import { ApiError, listTickets } from '@/lib/server-api';

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const q = first(params.q);
  const cursor = first(params.cursor) || undefined;
  const page = await listTickets(q, cursor).catch((error: unknown) => {
    // A stale or hand-edited cursor: start again from the first page.
    if (cursor && error instanceof ApiError && error.status === 400)
      redirect(q ? `/?${new URLSearchParams({ q })}` : '/');
    throw error;
  });
  const { tickets, nextCursor } = page;
  const nextHref = nextCursor ? `/?${new URLSearchParams({ ...(q ? { q } : {}), cursor: nextCursor })}` : null;
  const firstHref = q ? `/?${new URLSearchParams({ q })}` : '/';

  return (
    <>
      <section className="hero">
        <h1>Tickets for sale</h1>
        <p className="muted">Order a ticket and it is held for you while you pay.</p>
        <form role="search" action="/" method="get" className="search">
          <label htmlFor="search-q" className="visually-hidden">
            Search tickets by title
          </label>
          <input id="search-q" name="q" type="search" placeholder="Search by title…" defaultValue={q} />
          <button type="submit" className="button button-primary">
            Search
          </button>
        </form>
      </section>

      {q && (
        <p className="muted" data-testid="search-summary">
          Results for “{q}” · <Link href="/">Clear search</Link>
        </p>
      )}

      {tickets.length === 0 ? (
        <div className="empty card" data-testid="empty-tickets">
          {q ? (
            <p>No tickets match “{q}”. Try another search.</p>
          ) : cursor ? (
            <p>No more tickets.</p>
          ) : (
            <p>No tickets for sale right now.</p>
          )}
          <Link href="/tickets/new" className="button button-primary">
            Sell a ticket
          </Link>
        </div>
      ) : (
        <ul className="ticket-grid" aria-label="Tickets for sale">
          {tickets.map((ticket) => (
            <TicketCard key={ticket.id} ticket={ticket} />
          ))}
        </ul>
      )}

      {(nextHref || cursor) && (
        <nav className="pagination" aria-label="Pages">
          {cursor && (
            <Link href={firstHref} className="button button-secondary">
              ← First page
            </Link>
          )}
          {nextHref && (
            <Link href={nextHref} className="button button-secondary" rel="next" data-testid="next-page">
              Next page →
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
