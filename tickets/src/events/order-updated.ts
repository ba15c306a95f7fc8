import {
  defineInboxListener,
  OrderStatus,
  RetryLaterError,
  TicketStatus,
  type EventData,
  type Pool,
  type PoolClient,
} from '@microtick/common';
import { recordCancelledOrder } from '../store/cancelled-orders';
import { lockTicket } from '../store/tickets';
import { mayRelease, sale } from '../rules';
import { changeTicket } from '../store/ticket-events';

/** A cancelled order frees its ticket (only if that order holds it); a complete order sells it. */
export const orderUpdatedListener = (pool: Pool) =>
  defineInboxListener(pool, 'tickets', 'order.updated', (client, order) =>
    order.status === OrderStatus.Cancelled ? release(client, order) : sell(client, order),
  );

async function release(client: PoolClient, order: EventData<'order.updated'>): Promise<void> {
  const ticket = await lockTicket(client, order.ticket.id);
  await recordCancelledOrder(client, order.id);
  if (!mayRelease(ticket, order.id)) return;
  const released = await changeTicket(client, ticket!, { status: TicketStatus.Available, orderId: null });
  if (!released) throw new RetryLaterError(`ticket ${ticket!.id} changed while releasing it`, 50);
}

async function sell(client: PoolClient, order: EventData<'order.updated'>): Promise<void> {
  const ticket = await lockTicket(client, order.ticket.id);
  const decision = sale(ticket, order.id);
  if (decision === 'done') return;
  if (decision === 'wait for the reservation') {
    // An order completes only after it was created; its order.created has not been applied yet.
    throw new RetryLaterError(`ticket ${order.ticket.id} is not reserved by order ${order.id} yet`, 1000);
  }
  const sold = await changeTicket(client, ticket!, { status: TicketStatus.Sold });
  if (!sold) throw new RetryLaterError(`ticket ${ticket!.id} changed while selling it`, 50);
}
