import { durableName, Listener, RetryLaterError, type EventData, type Pool } from '@microtick/common';
import { markTicketHeld } from '../store/orders';

/**
 * Learns that tickets reserved (or sold) an order's ticket for that order: only then can the order be
 * paid. Tickets decides the race between an order and the seller's withdrawal under its row lock, so an
 * order whose ticket was withdrawn first is never reserved, and never paid.
 */
export class TicketUpdatedListener extends Listener<'ticket.updated'> {
  readonly subject = 'ticket.updated' as const;
  readonly durableName = durableName('payments', this.subject);

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.updated'>): Promise<void> {
    if (!ticket.orderId || (ticket.status !== 'reserved' && ticket.status !== 'sold')) return;
    if (!(await markTicketHeld(this.pool, ticket.orderId)))
      throw new RetryLaterError(`order ${ticket.orderId} is not in the replica yet`, 200);
  }
}
