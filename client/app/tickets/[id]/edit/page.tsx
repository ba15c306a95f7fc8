import type { Metadata } from 'next';
import Link from 'next/link';
import { TicketForm } from '@/components/tickets/TicketForm';
import { getTicket, requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Edit ticket' };

export default async function EditTicketPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/tickets/${id}/edit`);
  const ticket = await getTicket(id);

  let problem: string | null = null;
  if (ticket.userId !== user.id) problem = 'Only the seller can edit this ticket.';
  else if (ticket.status === 'sold') problem = 'This ticket has been sold, so it can no longer be edited.';
  else if (ticket.status === 'reserved')
    problem = 'A buyer is paying for this ticket, so it cannot be edited right now.';

  return (
    <div className="narrow">
      <h1>Edit ticket</h1>
      {problem ? (
        <div className="card">
          <p className="notice" data-testid="edit-locked">
            {problem}
          </p>
          <Link href={`/tickets/${ticket.id}`} className="button button-secondary">
            Back to the ticket
          </Link>
        </div>
      ) : (
        <TicketForm ticket={ticket} />
      )}
    </div>
  );
}
