import { fromCents } from '@microtick/common';
import type { OrderRecord } from '../store/orders';

/** An order as the HTTP API shows it: price as a decimal, dates as ISO-8601. */
export const presentOrder = (order: OrderRecord) => ({
  id: order.id,
  userId: order.userId,
  status: order.status,
  expiresAt: order.expiresAt.toISOString(),
  createdAt: order.createdAt.toISOString(),
  ticket: {
    id: order.ticket.id,
    title: order.ticket.title,
    price: fromCents(order.ticket.priceCents),
    venue: order.ticket.venue,
    startsAt: order.ticket.startsAt,
  },
  version: order.version,
  cancelReason: order.cancelReason,
});
