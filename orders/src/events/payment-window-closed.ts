import { defineInboxListener, type Logger, type Pool } from '@microtick/common';
import { lockOrder, transitionOrder } from '../store/orders';

/**
 * Expires an order when payments, the payment window's one judge, closed its window unpaid. Orders no
 * longer listens to expiration.complete: a payment accepted before the close always completes the order.
 */
export const paymentWindowClosedListener = (pool: Pool, logger: Logger) =>
  defineInboxListener(pool, 'orders', 'payment.window-closed', async (client, { orderId }, envelope) => {
    const order = await lockOrder(client, orderId);
    if (!order) {
      logger.warn({ orderId, eventId: envelope.id }, 'payment window closed for an unknown order ignored');
      return;
    }
    // Already cancelled by its buyer: nothing to do. Never complete: payments closes only unpaid windows.
    if (order.status === 'created') await transitionOrder(client, order, { status: 'cancelled', reason: 'expired' });
  });
