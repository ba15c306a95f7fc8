import Link from 'next/link';
import { ApplyOnChange } from '@/components/tickets/ApplyOnChange';
import { TicketCard } from '@/components/tickets/TicketCard';
import { TimeZoneField } from '@/components/tickets/TimeZoneField';
import { FormAlert } from '@/components/ui/FormAlert';
import { redirect } from 'next/navigation';
import { ApiError, listTickets } from '@/lib/server-api';
import { dayBoundary } from '@/lib/event-time';
import type { FieldError, Ticket } from '@/lib/types';

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

const SORTS = [
  ['newest', 'Newest'],
  ['startsAt', 'Date'],
  ['price', 'Price'],
] as const;

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const q = first(params.q);
  const sort = SORTS.some(([value]) => value === first(params.sort)) ? first(params.sort) : 'newest';
  const fromDay = first(params.from);
  const toDay = first(params.to);
  const tz = Number.parseInt(first(params.tz), 10);
  const offset = Number.isFinite(tz) && Math.abs(tz) <= 18 * 60 ? tz : 0;
  const cursor = first(params.cursor) || undefined;

  // What the page was asked for, kept in every link it makes.
  const kept: Record<string, string> = {};
  if (q) kept.q = q;
  if (sort !== 'newest') kept.sort = sort;
  if (fromDay) kept.from = fromDay;
  if (toDay) kept.to = toDay;
  if ((fromDay || toDay) && offset) kept.tz = String(offset);
  const href = (extra: Record<string, string> = {}) => {
    const query = new URLSearchParams({ ...kept, ...extra }).toString();
    return query ? `/?${query}` : '/';
  };

  const errors: FieldError[] = [];
  const from = fromDay ? dayBoundary(fromDay, 'start', offset) : undefined;
  const to = toDay ? dayBoundary(toDay, 'end', offset) : undefined;
  if (from === null) errors.push({ field: 'from', message: 'From must be a date' });
  if (to === null) errors.push({ field: 'to', message: 'To must be a date' });

  let page: { tickets: Ticket[]; nextCursor: string | null } = { tickets: [], nextCursor: null };
  if (errors.length === 0) {
    try {
      page = await listTickets({ q, sort, from: from ?? undefined, to: to ?? undefined, cursor });
    } catch (error) {
      // A stale or hand-edited cursor: start again from the first page.
      if (cursor && error instanceof ApiError && error.status === 400) redirect(href());
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      errors.push(...error.errors);
    }
  }
  const { tickets, nextCursor } = page;
  // A search the API refuses (too long, control characters) is the search field's error, not a broken page.
  const searchError = errors.find((e) => e.field === 'q')?.message ?? null;
  const otherErrors = errors.filter((e) => e.field !== 'q').map((e) => e.message);
  const filtered = Boolean(q || fromDay || toDay);

  return (
    <>
      <section className="hero">
        <h1>Tickets for sale</h1>
        <p className="muted">Order a ticket and it is held for you while you pay.</p>
        <form role="search" action="/" method="get" data-testid="list-controls">
          <div className="search">
            <label htmlFor="search-q" className="visually-hidden">
              Search tickets by event or venue
            </label>
            <input
              id="search-q"
              name="q"
              type="search"
              placeholder="Search by event or venue…"
              defaultValue={q}
              aria-invalid={searchError ? true : undefined}
              aria-describedby={searchError ? 'search-q-error' : undefined}
            />
            <button type="submit" className="button button-primary">
              Search
            </button>
          </div>
          <div className="list-controls">
            <label>
              Sort by
              <select name="sort" defaultValue={sort} data-testid="sort">
                {SORTS.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              From
              <input type="date" name="from" defaultValue={fromDay} data-testid="from" />
            </label>
            <label>
              To
              <input type="date" name="to" defaultValue={toDay} data-testid="to" />
            </label>
            <TimeZoneField />
            <ApplyOnChange />
          </div>
          {searchError ? (
            <p id="search-q-error" className="field-error" role="alert" data-testid="error-q">
              {searchError}
            </p>
          ) : null}
        </form>
        <FormAlert messages={otherErrors} />
      </section>

      {filtered && !searchError && (
        <p className="muted" data-testid="search-summary">
          {q ? <>Results for “{q}”</> : 'Filtered by date'} · <Link href="/">Clear search</Link>
        </p>
      )}

      {errors.length > 0 ? null : tickets.length === 0 ? (
        <div className="empty card" data-testid="empty-tickets">
          {filtered ? (
            <p>No tickets match. Try another search or dates.</p>
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

      {(nextCursor || cursor) && (
        <nav className="pagination" aria-label="Pages">
          {cursor && (
            <Link href={href()} className="button button-secondary">
              ← First page
            </Link>
          )}
          {nextCursor && (
            <Link
              href={href({ cursor: nextCursor })}
              className="button button-secondary"
              rel="next"
              data-testid="next-page"
            >
              Next page →
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
