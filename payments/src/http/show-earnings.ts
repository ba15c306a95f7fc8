import { requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { listEarnings } from '../store/earnings';
import { presentEarnings } from './present';

/** GET /api/payments/earnings: the signed-in seller's share of each completed sale, newest first, and totals. */
export function showEarningsRouter(pool: Pool): Router {
  return Router().get('/api/payments/earnings', requireAuth, async (req, res) => {
    res.json(presentEarnings(await listEarnings(pool, req.currentUser!.id)));
  });
}
