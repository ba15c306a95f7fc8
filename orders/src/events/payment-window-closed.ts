import { defineInboxListener, type Logger, type Pool } from '@microtick/common';
import { orderChange, type OrderEvent } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

/** What each reason payments closes a window for does to the order: every one cancels an open order. */
const EVENT_OF_REASON = {
  expired: 'window ends',
  buyer: 'buyer cancels',
  withdrawn: 'ticket withdrawn',
} as const satisfies Record<string, OrderEvent>;

/**
 * Cancels an order when payments, the payment window's one judge, closed its window unpaid: because the
 * window ended (expired), its buyer asked (buyer), or its ticket was withdrawn while it was placed
 * (withdrawn). Orders no longer listens to expiration.complete, nor cancels on its own: a payment
 * accepted before the close always completes the order.
 */
export const paymentWindowClosedListener = (pool: Pool, logger: Logger) =>
  defineInboxListener(pool, 'orders', 'payment.window-closed', async (client, { orderId, reason }, envelope) => {
    const order = await lockOrder(client, orderId);
    if (!order) {
      logger.warn({ orderId, eventId: envelope.id }, 'payment window closed for an unknown order ignored');
      return;
    }
    // An order no longer open is left as it is (these events never complete one, nor refuse).
    const change = orderChange(order.status, EVENT_OF_REASON[reason]);
    if (typeof change === 'object') await transitionOrder(client, order, change);
  });
