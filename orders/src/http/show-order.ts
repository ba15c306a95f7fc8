import { NotFoundError, parseIdParam, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { findOrder } from '../store/orders';
import { presentOrder } from './present';

export function showOrderRouter(pool: Pool): Router {
  return Router().get('/api/orders/:id', requireAuth, async (req, res) => {
    const order = await findOrder(pool, parseIdParam(req.params.id, 'Order not found'));
    // Another buyer's order is answered exactly like a missing one.
    if (!order || order.userId !== req.currentUser!.id) throw new NotFoundError('Order not found');
    res.setHeader('Cache-Control', 'no-store');
    res.json(presentOrder(order));
  });
}
