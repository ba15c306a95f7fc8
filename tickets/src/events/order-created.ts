import { defineInboxListener, RetryLaterError, TicketStatus, type Pool } from '@microtick/common';
import { isCancelledOrder } from '../store/cancelled-orders';
import { lockTicket } from '../store/tickets';
import { reservation } from '../rules';
import { changeTicket } from '../store/ticket-events';

/** Reserves the ordered ticket for the order, so its price cannot change and no one else can buy it. */
export const orderCreatedListener = (pool: Pool) =>
  defineInboxListener(pool, 'tickets', 'order.created', async (client, order) => {
    const ticket = await lockTicket(client, order.ticket.id);
    const cancelled = await isCancelledOrder(client, order.id);
    switch (reservation(ticket, { id: order.id, cancelled })) {
      case 'done':
        return;
      case 'wait for the ticket':
        throw new RetryLaterError(`ticket ${order.ticket.id} is not known yet`, 1000);
      case 'wait for the holder':
        throw new RetryLaterError(`ticket ${ticket!.id} is still held by order ${ticket!.orderId}`, 1000);
      case 'reserve': {
        const reserved = await changeTicket(client, ticket!, { status: TicketStatus.Reserved, orderId: order.id });
        if (!reserved) throw new RetryLaterError(`ticket ${ticket!.id} changed while reserving it`, 50);
      }
    }
  });
