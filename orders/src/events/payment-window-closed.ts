import { defineInboxListener, type Logger, type Pool } from '@microtick/common';
import { orderChange } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

/**
 * Cancels an order when payments, the payment window's one judge, closed its window unpaid: because the
 * window ended (expired) or because its buyer asked (buyer). Orders no longer listens to
 * expiration.complete, nor cancels on its buyer's DELETE by itself: a payment accepted before the close
 * always completes the order.
 */
export const paymentWindowClosedListener = (pool: Pool, logger: Logger) =>
  defineInboxListener(pool, 'orders', 'payment.window-closed', async (client, { orderId, reason }, envelope) => {
    const order = await lockOrder(client, orderId);
    if (!order) {
      logger.warn({ orderId, eventId: envelope.id }, 'payment window closed for an unknown order ignored');
      return;
    }
    // Never complete: payments closes only unpaid windows.
    const event = { buyer: 'buyer cancels', withdrawn: 'ticket withdrawn', expired: 'window ends' } as const;
    const change = orderChange(order.status, event[reason]);
    if (change !== 'unchanged' && change !== 'refused' && change.status === 'cancelled') {
      await transitionOrder(client, order, change);
    }
  });
