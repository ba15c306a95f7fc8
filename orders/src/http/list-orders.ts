import { requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { listOrdersOfBuyer } from '../store/orders';
import { presentOrder } from './present';

export function listOrdersRouter(pool: Pool): Router {
  return Router().get('/api/orders', requireAuth, async (req, res) => {
    const orders = await listOrdersOfBuyer(pool, req.currentUser!.id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ orders: orders.map(presentOrder) });
  });
}
