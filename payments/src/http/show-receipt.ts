import { NotFoundError, parseIdParam, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { findReceipt } from '../store/payments';
import { presentReceipt } from './present';

/**
 * GET /api/payments/receipts/:orderId: what the buyer keeps after paying: the amount, the currency, the
 * provider's payment reference and when it was paid. 404 for an order that is not the buyer's, or not paid.
 */
export function showReceiptRouter(pool: Pool): Router {
  return Router().get('/api/payments/receipts/:orderId', requireAuth, async (req, res) => {
    const orderId = parseIdParam(req.params.orderId as string, 'Receipt not found');
    const receipt = await findReceipt(pool, orderId, req.currentUser!.id);
    if (!receipt) throw new NotFoundError('Receipt not found');
    res.json(presentReceipt(receipt));
  });
}
