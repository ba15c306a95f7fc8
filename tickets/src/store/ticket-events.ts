import { recordEvent, type Envelope, type PoolClient } from '@microtick/common';
import { updateTicketIfVersion, type Ticket } from './tickets';

export function recordTicketCreated(client: PoolClient, ticket: Ticket): Promise<Envelope<'ticket.created'>> {
  return recordEvent(client, 'ticket.created', {
    id: ticket.id,
    title: ticket.title,
    price: ticket.priceCents,
    userId: ticket.userId,
    version: 0,
  });
}

/**
 * Saves a change to a ticket and records its ticket.updated event in the caller's transaction.
 * Returns undefined, changing nothing, when the ticket was changed by someone else since `current` was read.
 */
export async function changeTicket(
  client: PoolClient,
  current: Ticket,
  changes: Partial<Pick<Ticket, 'title' | 'priceCents' | 'status' | 'orderId'>>,
): Promise<Ticket | undefined> {
  const updated = await updateTicketIfVersion(client, { ...current, ...changes });
  if (!updated) return undefined;
  await recordEvent(client, 'ticket.updated', {
    id: updated.id,
    title: updated.title,
    price: updated.priceCents,
    userId: updated.userId,
    version: updated.version,
    orderId: updated.orderId,
    status: updated.status,
  });
  return updated;
}
