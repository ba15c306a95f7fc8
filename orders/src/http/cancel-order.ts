import {
  ConflictError,
  NotFoundError,
  parseIdParam,
  requireAuth,
  withTransaction,
  type ChargeGuard,
  type Pool,
} from '@microtick/common';
import { Router } from 'express';
import { orderChange } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

export function cancelOrderRouter(pool: Pool, guard: ChargeGuard): Router {
  return Router().delete('/api/orders/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Order not found');
    let claimed = false;
    try {
      await withTransaction(pool, async (client) => {
        const order = await lockOrder(client, id);
        if (!order || order.userId !== req.currentUser!.id) throw new NotFoundError('Order not found');
        const change = orderChange(order.status, 'buyer cancels');
        if (change === 'refused') throw new ConflictError('Cannot cancel a completed order');
        if (change === 'unchanged') return;
        // The buyer's own payment may be in flight in payments, which answers 201 only for an order that
        // will complete: the cancel waits its turn there (ChargeGuard).
        const claim = await guard.claimCancel(order.id);
        if (claim === 'charging') throw new ConflictError('A payment for this order is in progress');
        if (claim === 'paid') throw new ConflictError('Order has already been paid');
        claimed = true;
        await transitionOrder(client, order, change);
      });
    } catch (err) {
      if (claimed) await guard.releaseCancel(id).catch(() => undefined);
      throw err;
    }
    res.status(204).end();
  });
}
