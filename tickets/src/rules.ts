import { TicketStatus } from '@microtick/common';
import type { Ticket } from './store/tickets';

/** Only the seller edits a ticket, and only while it is available. A withdrawn listing is gone. */
export function editRefusal(
  ticket: Pick<Ticket, 'userId' | 'status'>,
  userId: string,
): 'not the seller' | 'reserved' | 'sold' | 'withdrawn' | undefined {
  if (ticket.userId !== userId) return 'not the seller';
  if (ticket.status === TicketStatus.Withdrawn) return 'withdrawn';
  if (ticket.status === TicketStatus.Reserved) return 'reserved';
  if (ticket.status === TicketStatus.Sold) return 'sold';
  return undefined;
}

/**
 * An edit of a listing whose event has started must give the event a new start (a postponed event goes
 * back on sale). Leaving the past start as it is, or clearing it, would list a ticket for an event that
 * has begun. `newStartsAt`: the edit's start, undefined when the edit leaves it out.
 */
export function keepsEventStarted(
  ticket: Pick<Ticket, 'startsAt'>,
  newStartsAt: string | null | undefined,
  now: Date,
): boolean {
  const started = ticket.startsAt !== null && new Date(ticket.startsAt).getTime() <= now.getTime();
  return started && (newStartsAt === undefined || newStartsAt === null || new Date(newStartsAt) <= now);
}

/** Only the seller withdraws a ticket, and only while it is available; a withdrawn listing is gone for all. */
export function withdrawRefusal(
  ticket: Pick<Ticket, 'userId' | 'status'>,
  userId: string,
): 'not the seller' | 'reserved' | 'sold' | 'withdrawn' | undefined {
  if (ticket.status === TicketStatus.Withdrawn) return 'withdrawn';
  return editRefusal(ticket, userId);
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
  // Withdrawn after orders placed this order and before the withdrawal reached its replica: the order
  // cannot get this ticket, and retrying would not change that. It ends when its window does.
  if (ticket.status === TicketStatus.Withdrawn) return 'done';
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
