import {
  applyOnce,
  Listener,
  RetryLaterError,
  TicketStatus,
  type Envelope,
  type EventData,
  type Pool,
} from '@microtick/common';
import { isCancelledOrder } from '../../db/cancelled-orders';
import { lockTicket } from '../../db/tickets';
import { changeTicket } from '../ticket-events';

/** Reserves the ordered ticket for the order, so its price cannot change and no one else can buy it. */
export class OrderCreatedListener extends Listener<'order.created'> {
  readonly subject = 'order.created' as const;
  readonly durableName = 'tickets.order.created';

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(order: EventData<'order.created'>, envelope: Envelope<'order.created'>): Promise<void> {
    await applyOnce(this.pool, this.durableName, envelope.id, async (client) => {
      const ticket = await lockTicket(client, order.ticket.id);
      if (await isCancelledOrder(client, order.id)) return;
      if (!ticket) throw new RetryLaterError(`ticket ${order.ticket.id} is not known yet`, 1000);
      if (ticket.orderId === order.id) return;
      // Withdrawn after orders placed this order and before the withdrawal reached its replica: the order
      // cannot get this ticket, and retrying would not change that. It ends when its window does.
      if (ticket.status === TicketStatus.Withdrawn) return;
      if (ticket.status !== TicketStatus.Available) {
        // The orders service allows one open order per ticket, so the holder's cancellation is on its way.
        throw new RetryLaterError(`ticket ${ticket.id} is still held by order ${ticket.orderId}`, 1000);
      }
      const reserved = await changeTicket(client, ticket, { status: TicketStatus.Reserved, orderId: order.id });
      if (!reserved) throw new RetryLaterError(`ticket ${ticket.id} changed while reserving it`, 50);
    });
  }
}
