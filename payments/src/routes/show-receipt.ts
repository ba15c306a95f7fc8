import { fromCents, NotFoundError, parseIdParam, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';

/**
 * GET /api/payments/receipts/:orderId: what the buyer keeps after paying: the amount, the currency, the
 * provider's payment reference and when it was paid. 404 for an order that is not the buyer's, or not paid.
 */
export function showReceiptRouter(pool: Pool): Router {
  return Router().get('/api/payments/receipts/:orderId', requireAuth, async (req, res) => {
    const orderId = parseIdParam(req.params.orderId as string, 'Receipt not found');
    const { rows } = await pool.query<{
      amount: number;
      currency: string;
      provider_payment_id: string;
      created_at: Date;
    }>(
      `SELECT p.amount, p.currency, p.provider_payment_id, p.created_at
       FROM payments p JOIN orders o ON o.id = p.order_id
       WHERE p.order_id = $1 AND o.user_id = $2 AND p.status = 'succeeded'`,
      [orderId, req.currentUser!.id],
    );
    const payment = rows[0];
    if (!payment) throw new NotFoundError('Receipt not found');
    res.json({
      orderId,
      amount: fromCents(payment.amount),
      currency: payment.currency,
      reference: payment.provider_payment_id,
      paidAt: payment.created_at.toISOString(),
    });
  });
}
