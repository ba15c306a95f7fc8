import type { Metadata } from 'next';
import Link from 'next/link';
import { HoldDeadline } from '@/components/orders/HoldDeadline';
import { BuyButton, UnavailableNotice } from '@/components/tickets/BuyButton';
import { EventDetails } from '@/components/tickets/EventDetails';
import { TicketStatusBadge } from '@/components/ui/StatusBadge';
import { getCurrentUser, getTicket } from '@/lib/server-api';
import { orderHoldSeconds } from '@/lib/config';
import { formatPrice, ticketDisplayStatus } from '@/lib/format';
import { getOpenHolds } from '@/lib/holds';
import { signInPath } from '@/lib/paths';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  // A missing ticket is the page's to answer (404); a notFound() thrown here renders an empty error shell.
  const ticket = await getTicket(id).catch(() => null);
  return { title: ticket?.title ?? 'Ticket' };
}

export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [ticket, user] = await Promise.all([getTicket(id), getCurrentUser()]);
  const mine = user?.id === ticket.userId;
  const hold = user && !mine ? (await getOpenHolds()).find((h) => h.ticketId === ticket.id) : undefined;
  const holdMinutes = Math.round(orderHoldSeconds() / 60);
  const status = ticketDisplayStatus(ticket, Date.now());

  return (
    <article className="narrow ticket-detail" data-testid="ticket-detail">
      <p className="muted small">
        <Link href="/">← All tickets</Link>
      </p>
      <div className="card">
        <div className="ticket-detail-head">
          <h1 className="ticket-title" data-testid="ticket-title">
            {ticket.title}
          </h1>
          <TicketStatusBadge status={status} />
        </div>
        <EventDetails ticket={ticket} />
        <p className="price-large" data-testid="ticket-price">
          {formatPrice(ticket.price)}
        </p>

        {mine ? (
          <div className="ticket-actions">
            {status === 'started' ? (
              <p className="notice" data-testid="event-started-seller">
                The event has started and this ticket did not sell, so nobody can order it now. If the event was
                postponed, edit its start to put the ticket back on sale; if not, withdraw the listing.
              </p>
            ) : (
              <p className="muted">You are selling this ticket.</p>
            )}
            {ticket.status === 'available' ? (
              <div className="form-actions">
                <Link href={`/tickets/${ticket.id}/edit`} className="button button-secondary" data-testid="edit-ticket">
                  Edit ticket
                </Link>
                <Link
                  href={`/tickets/${ticket.id}/withdraw`}
                  className="button button-secondary"
                  data-testid="withdraw-ticket"
                >
                  Withdraw listing
                </Link>
              </div>
            ) : (
              <p className="notice" data-testid="edit-locked">
                {ticket.status === 'sold'
                  ? 'This ticket has been sold, so it can no longer be edited.'
                  : 'A buyer is paying for this ticket, so it cannot be edited right now.'}
              </p>
            )}
          </div>
        ) : hold ? (
          <div className="ticket-actions" data-testid="holding-notice">
            <p className="notice">You are holding this ticket. Pay before your hold ends, or it goes back on sale.</p>
            <Link href={`/orders/${hold.orderId}`} className="button button-primary button-large">
              Go to your order
            </Link>
          </div>
        ) : status === 'started' ? (
          <UnavailableNotice status={status} />
        ) : user ? (
          <>
            {ticket.status === 'available' && (
              <p className="muted" data-testid="hold-terms">
                You pay {formatPrice(ticket.price)}. Ordering holds the ticket for you for {holdMinutes} minute
                {holdMinutes === 1 ? '' : 's'}: if you order now, pay by{' '}
                <HoldDeadline holdSeconds={orderHoldSeconds()} serverNow={Date.now()} />.
              </p>
            )}
            <BuyButton ticketId={ticket.id} status={ticket.status} />
          </>
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
