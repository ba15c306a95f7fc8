import type { EventData, Pool } from '@microtick/common';

/** Keeps a payment (a repeat changes nothing); `paidAt` is when payments recorded it. */
export async function keepPayment(pool: Pool, payment: EventData<'payment.created'>, paidAt: string): Promise<void> {
  await pool.query(
    'INSERT INTO payments (id, order_id, amount_cents, paid_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
    [payment.id, payment.orderId, payment.amount, paidAt],
  );
}
