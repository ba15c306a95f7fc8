import { defineListener, RetryLaterError, type Pool } from '@microtick/common';
import { markTicketHeld } from '../store/orders';

/**
 * Learns that tickets reserved (or sold) an order's ticket for that order: only then can the order be
 * paid. Tickets decides the race between an order and the seller's withdrawal under its row lock, so an
 * order whose ticket was withdrawn first is never reserved, and never paid.
 */
export const ticketUpdatedListener = (pool: Pool) =>
  defineListener('payments', 'ticket.updated', async (ticket) => {
    if (!ticket.orderId || (ticket.status !== 'reserved' && ticket.status !== 'sold')) return;
    if (!(await markTicketHeld(pool, ticket.orderId)))
      throw new RetryLaterError(`order ${ticket.orderId} is not in the replica yet`, 200);
  });
