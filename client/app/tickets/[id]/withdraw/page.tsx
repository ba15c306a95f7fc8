import type { Metadata } from 'next';
import Link from 'next/link';
import { EventDetails } from '@/components/tickets/EventDetails';
import { FormAlert } from '@/components/ui/FormAlert';
import { getTicket, requireUser } from '@/lib/server-api';
import { withdrawTicket } from './actions';

export const metadata: Metadata = { title: 'Withdraw listing' };

/** The confirm step: a page of its own, so it works without JavaScript too. */
export default async function WithdrawTicketPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const { error } = await searchParams;
  const user = await requireUser(`/tickets/${id}/withdraw`);
  const ticket = await getTicket(id);

  let problem: string | null = null;
  if (ticket.userId !== user.id) problem = 'Only the seller can withdraw this ticket.';
  else if (ticket.status === 'sold') problem = 'This ticket has been sold, so it can no longer be withdrawn.';
  else if (ticket.status === 'reserved')
    problem = 'A buyer is paying for this ticket, so it cannot be withdrawn right now.';

  return (
    <div className="narrow">
      <h1>Withdraw listing</h1>
      <div className="card" data-testid="withdraw-confirm">
        <h2 className="ticket-title" data-testid="ticket-title">
          {ticket.title}
        </h2>
        <EventDetails ticket={ticket} />
        {problem ? (
          <p className="notice" data-testid="withdraw-locked">
            {problem}
          </p>
        ) : (
          <form action={withdrawTicket}>
            <FormAlert messages={typeof error === 'string' ? [error] : []} />
            <p>Buyers will no longer see this ticket or be able to order it. This cannot be undone.</p>
            <input type="hidden" name="ticketId" value={ticket.id} />
            <div className="form-actions">
              <button type="submit" className="button button-danger" data-testid="confirm-withdraw">
                Yes, withdraw it
              </button>
              <Link href={`/tickets/${ticket.id}`} className="button button-secondary">
                Keep it for sale
              </Link>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
