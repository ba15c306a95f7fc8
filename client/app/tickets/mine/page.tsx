import type { Metadata } from 'next';
import Link from 'next/link';
import { TicketStatusBadge } from '@/components/ui/StatusBadge';
import { listMyTickets } from '@/lib/server-api';
import { formatPrice } from '@/lib/format';

export const metadata: Metadata = { title: 'My tickets' };

export default async function MyTicketsPage() {
  const { tickets } = await listMyTickets();
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
              <Link href={`/tickets/${ticket.id}`} className="row-title">
                {ticket.title}
              </Link>
              <span className="row-price">{formatPrice(ticket.price)}</span>
              <TicketStatusBadge status={ticket.status} />
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
