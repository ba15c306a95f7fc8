import type { Metadata } from 'next';
import Link from 'next/link';
import { TicketStatusBadge } from '@/components/ui/StatusBadge';
import { listMyTickets } from '@/lib/server-api';
import { formatPrice, ticketDisplayStatus } from '@/lib/format';

export const metadata: Metadata = { title: 'My tickets' };

export default async function MyTicketsPage() {
  const { tickets } = await listMyTickets();
  const now = Date.now();
  return (
    <>
      <div className="page-head">
        <h1>My tickets</h1>
        <Link href="/tickets/new" className="button button-primary">
          Sell a ticket
        </Link>
      </div>
      {tickets.length === 0 ? (
        <div className="empty card" data-testid="empty-my-tickets">
          <p>You have not listed any tickets yet.</p>
        </div>
      ) : (
        <ul className="rows" aria-label="My tickets">
          {tickets.map((ticket) => (
            <li key={ticket.id} className="row card" data-testid="my-ticket">
              {ticket.status === 'withdrawn' ? (
                // Nobody can open a withdrawn listing any more, its seller included.
                <span className="row-title">{ticket.title}</span>
              ) : (
                <Link href={`/tickets/${ticket.id}`} className="row-title">
                  {ticket.title}
                </Link>
              )}
              <span className="row-price">{formatPrice(ticket.price)}</span>
              <TicketStatusBadge status={ticketDisplayStatus(ticket, now)} />
              {ticket.status === 'available' ? (
                <Link href={`/tickets/${ticket.id}/edit`} className="row-action" aria-label={`Edit ${ticket.title}`}>
                  Edit
                </Link>
              ) : (
                <span className="row-action" aria-hidden="true" />
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
