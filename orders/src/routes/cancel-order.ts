import { ConflictError, NotFoundError, parseIdParam, requireAuth, withTransaction, type Pool } from '@microtick/common';
import { Router } from 'express';
import { lockOrder, transitionOrder } from '../db/orders';

export function cancelOrderRouter(pool: Pool): Router {
  return Router().delete('/api/orders/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Order not found');
    await withTransaction(pool, async (client) => {
      const order = await lockOrder(client, id);
      if (!order || order.userId !== req.currentUser!.id) throw new NotFoundError('Order not found');
      if (order.status === 'complete') throw new ConflictError('Cannot cancel a completed order');
      // Cancelling an already cancelled order is a no-op: same answer, no second event.
      if (order.status === 'created') await transitionOrder(client, order, { status: 'cancelled', reason: 'buyer' });
    });
    res.status(204).end();
  });
}
