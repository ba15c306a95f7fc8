import { TicketStatus } from '@microtick/common';
import type { Ticket } from './store/tickets';

/** Only the seller edits a ticket, and only while it is available. */
export function editRefusal(
  ticket: Pick<Ticket, 'userId' | 'status'>,
  userId: string,
): 'not the seller' | 'reserved' | 'sold' | undefined {
  if (ticket.userId !== userId) return 'not the seller';
  if (ticket.status === TicketStatus.Reserved) return 'reserved';
  if (ticket.status === TicketStatus.Sold) return 'sold';
  return undefined;
}

/**
 * What order.created does to its ticket. An order cancelled before its creation arrived reserves
 * nothing; a ticket held by another order waits, since orders allows one open order per ticket and the
 * holder's cancellation is on its way.
 */
export function reservation(
  ticket: Pick<Ticket, 'status' | 'orderId'> | undefined,
  order: { id: string; cancelled: boolean },
): 'reserve' | 'done' | 'wait for the ticket' | 'wait for the holder' {
  if (order.cancelled) return 'done';
  if (!ticket) return 'wait for the ticket';
  if (ticket.orderId === order.id) return 'done';
  if (ticket.status !== TicketStatus.Available) return 'wait for the holder';
  return 'reserve';
}

/** A cancelled order frees its ticket only if that same order holds it. */
export function mayRelease(ticket: Pick<Ticket, 'status' | 'orderId'> | undefined, orderId: string): boolean {
  return ticket !== undefined && ticket.orderId === orderId && ticket.status === TicketStatus.Reserved;
}

/** A complete order sells the ticket it reserved; it waits while its order.created has not been applied. */
export function sale(
  ticket: Pick<Ticket, 'status' | 'orderId'> | undefined,
  orderId: string,
): 'sell' | 'done' | 'wait for the reservation' {
  if (!ticket || ticket.orderId !== orderId) return 'wait for the reservation';
  if (ticket.status === TicketStatus.Sold) return 'done';
  return 'sell';
}
