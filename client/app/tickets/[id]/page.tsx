import type { Metadata } from 'next';
import Link from 'next/link';
import { BuyButton, UnavailableNotice } from '@/components/tickets/BuyButton';
import { TicketStatusBadge } from '@/components/ui/StatusBadge';
import { getCurrentUser, getTicket } from '@/lib/server-api';
import { formatPrice } from '@/lib/format';
import { signInPath } from '@/lib/paths';

export const metadata: Metadata = { title: 'Ticket' };

export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [ticket, user] = await Promise.all([getTicket(id), getCurrentUser()]);
  const mine = user?.id === ticket.userId;

  return (
    <article className="narrow ticket-detail" data-testid="ticket-detail">
      <p className="muted small">
        <Link href="/">← All tickets</Link>
      </p>
      <div className="card">
        <div className="ticket-detail-head">
          <h1 data-testid="ticket-title">{ticket.title}</h1>
          <TicketStatusBadge status={ticket.status} />
        </div>
        <p className="price-large" data-testid="ticket-price">
          {formatPrice(ticket.price)}
        </p>

        {mine ? (
          <div className="ticket-actions">
            <p className="muted">You are selling this ticket.</p>
            {ticket.status === 'available' ? (
              <Link href={`/tickets/${ticket.id}/edit`} className="button button-secondary" data-testid="edit-ticket">
                Edit ticket
              </Link>
            ) : (
              <p className="notice" data-testid="edit-locked">
                {ticket.status === 'sold'
                  ? 'This ticket has been sold, so it can no longer be edited.'
                  : 'A buyer is paying for this ticket, so it cannot be edited right now.'}
              </p>
            )}
          </div>
        ) : user ? (
          <BuyButton ticketId={ticket.id} status={ticket.status} />
        ) : ticket.status === 'available' ? (
          <Link href={signInPath(`/tickets/${ticket.id}`)} className="button button-primary button-large">
            Sign in to buy
          </Link>
        ) : (
          <UnavailableNotice status={ticket.status} />
        )}
      </div>
    </article>
  );
}
