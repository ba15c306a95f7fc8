import { defineInboxListener, type Logger, type Pool } from '@microtick/common';
import { orderChange } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

export const paymentCreatedListener = (pool: Pool, logger: Logger) =>
  defineInboxListener(pool, 'orders', 'payment.created', async (client, payment) => {
    const order = await lockOrder(client, payment.orderId);
    if (!order) {
      logger.warn({ orderId: payment.orderId, paymentId: payment.id }, 'payment for an unknown order ignored');
      return;
    }
    const change = orderChange(order.status, 'payment arrives');
    if (change !== 'unchanged' && change !== 'refused') await transitionOrder(client, order, change);
  });
