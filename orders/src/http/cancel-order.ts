import { ConflictError, NotFoundError, parseIdParam, requireAuth, withTransaction, type Pool } from '@microtick/common';
import { Router } from 'express';
import { orderChange } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

export function cancelOrderRouter(pool: Pool): Router {
  return Router().delete('/api/orders/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Order not found');
    await withTransaction(pool, async (client) => {
      const order = await lockOrder(client, id);
      if (!order || order.userId !== req.currentUser!.id) throw new NotFoundError('Order not found');
      const change = orderChange(order.status, 'buyer cancels');
      if (change === 'refused') throw new ConflictError('Cannot cancel a completed order');
      if (change !== 'unchanged') await transitionOrder(client, order, change);
    });
    res.status(204).end();
  });
}
