import { randomUUID } from 'node:crypto';
import {
  makeEnvelope,
  recordEvent,
  recordInStatement,
  withTransaction,
  type Pool,
  type PoolClient,
} from '@microtick/common';
import { chargeDecision } from '../rules';
import { findOrder } from './orders';

export type PaymentStatus = 'succeeded' | 'refund_pending' | 'refunded';

export interface PaymentRow {
  id: string;
  orderId: string;
  providerPaymentId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  providerRefundId: string | null;
}

const columns = `id, order_id AS "orderId", provider_payment_id AS "providerPaymentId", amount_cents AS "amountCents", currency, status,
  provider_refund_id AS "providerRefundId"`;

export interface SucceededCharge {
  orderId: string;
  providerPaymentId: string;
  amountCents: number;
  currency: string;
}

/**
 * recorded: the charge pays the order (payment.created is in the outbox).
 * refund: the order was cancelled, its payment window closed, or another charge already paid it; the
 * charge awaits its refund.
 */
export type RecordOutcome = {
  outcome: 'recorded' | 'refund';
  payment: PaymentRow;
  reason?: 'cancelled' | 'expired' | 'paid';
};

export class UnknownOrderError extends Error {}

/**
 * Records a charge the provider reported as succeeded, from the request or from a webhook, once per
 * provider payment id. The order row is locked, so concurrent charges for one order are decided one at a
 * time, and a cancellation (which updates the row) is applied either wholly before or wholly after.
 *
 * The usual case (an open order, no payment standing for it, a charge not recorded before) is one
 * statement; anything else finds the statement changed nothing and is decided by `decideCharge`.
 */
export async function recordSucceededCharge(pool: Pool, charge: SucceededCharge): Promise<RecordOutcome> {
  const payment = await recordPayingCharge(pool, charge);
  return payment ? { outcome: 'recorded', payment } : decideCharge(pool, charge);
}

/**
 * The usual charge in one round trip and one commit (the transaction below takes seven, which held the
 * payments benchmark to a fifth of the INSERT + COMMIT rate): lock the order row, insert the succeeded
 * payment unless the order is cancelled or a unique index refuses it (this provider payment id is
 * recorded already, or another payment succeeded for the order), and insert payment.created into the
 * outbox with it. FOR UPDATE waits for a concurrent writer of the order row and then sees the row it
 * committed; the unique indexes see payments committed meanwhile, which this statement's snapshot may
 * not. Undefined when it inserted nothing.
 */
export async function recordPayingCharge(pool: Pool, charge: SucceededCharge): Promise<PaymentRow | undefined> {
  const id = randomUUID();
  const event = makeEnvelope('payment.created', {
    id,
    orderId: charge.orderId,
    amount: charge.amountCents,
    providerPaymentId: charge.providerPaymentId,
  });
  const { rows } = await recordInStatement([event], (outbox) =>
    pool.query<PaymentRow>({
      name: 'record-paying-charge',
      text: `WITH locked AS (
             SELECT id FROM orders WHERE id = $2 AND status <> 'cancelled' AND window_closed_at IS NULL FOR UPDATE
           ), inserted AS (
             INSERT INTO payments (id, order_id, provider_payment_id, amount_cents, currency, status)
             SELECT $1, id, $3, $4, $5, 'succeeded' FROM locked
             ON CONFLICT DO NOTHING
             RETURNING ${columns}
           ), recorded AS (
             INSERT INTO outbox (id, subject, envelope) SELECT $6, $7, $8 FROM inserted
           )
           SELECT * FROM inserted`,
      values: [
        id,
        charge.orderId,
        charge.providerPaymentId,
        charge.amountCents,
        charge.currency,
        outbox.ids[0],
        outbox.subjects[0],
        outbox.envelopes[0],
      ],
    }),
  );
  return rows[0];
}

/** The other cases, in a transaction under the order row's lock, each read seeing what committed before. */
export async function decideCharge(pool: Pool, charge: SucceededCharge): Promise<RecordOutcome> {
  return withTransaction(pool, async (client) => {
    const order = await findOrder(client, charge.orderId, true);
    if (!order) throw new UnknownOrderError(`order ${charge.orderId} is not in the replica`);
    const existing = await client.query<PaymentRow>(`SELECT ${columns} FROM payments WHERE provider_payment_id = $1`, [
      charge.providerPaymentId,
    ]);
    if (existing.rows[0]) {
      const payment = existing.rows[0];
      return payment.status === 'succeeded' ? { outcome: 'recorded', payment } : { outcome: 'refund', payment };
    }
    const paid = await client.query('SELECT 1 FROM payments WHERE order_id = $1 AND status = $2', [
      order.id,
      'succeeded',
    ]);
    const decision = chargeDecision({
      status: order.status,
      windowClosed: order.windowClosed,
      paidByAnotherCharge: paid.rowCount === 1,
    });
    const reason =
      decision === 'keep' ? undefined : (decision.slice('refund: '.length) as 'cancelled' | 'expired' | 'paid');
    const { rows } = await client.query<PaymentRow>(
      `INSERT INTO payments (order_id, provider_payment_id, amount_cents, currency, status) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${columns}`,
      [
        order.id,
        charge.providerPaymentId,
        charge.amountCents,
        charge.currency,
        reason ? 'refund_pending' : 'succeeded',
      ],
    );
    const payment = rows[0];
    if (reason) return { outcome: 'refund', payment, reason };
    await recordEvent(client, 'payment.created', {
      id: payment.id,
      orderId: order.id,
      amount: payment.amountCents,
      providerPaymentId: payment.providerPaymentId,
    });
    return { outcome: 'recorded', payment };
  });
}

/** Marks the order's succeeded charges for refund, inside the caller's transaction. */
export async function markForRefund(client: PoolClient, orderId: string): Promise<void> {
  await client.query(`UPDATE payments SET status = 'refund_pending' WHERE order_id = $1 AND status = 'succeeded'`, [
    orderId,
  ]);
}

export async function findRefundPending(pool: Pool, orderId: string): Promise<PaymentRow[]> {
  const { rows } = await pool.query<PaymentRow>(
    `SELECT ${columns} FROM payments WHERE order_id = $1 AND status = 'refund_pending' ORDER BY created_at`,
    [orderId],
  );
  return rows;
}

export async function markRefunded(pool: Pool, paymentId: string, providerRefundId: string): Promise<void> {
  await pool.query(
    `UPDATE payments SET status = 'refunded', provider_refund_id = $2, refunded_at = now() WHERE id = $1 AND status = 'refund_pending'`,
    [paymentId, providerRefundId],
  );
}

/** Marks a processed Stripe event; false when it was already processed. */
export async function markStripeEventProcessed(pool: Pool, id: string, type: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'INSERT INTO processed_stripe_events (id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [id, type],
  );
  return rowCount === 1;
}

export async function isStripeEventProcessed(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM processed_stripe_events WHERE id = $1', [id]);
  return rowCount === 1;
}

export interface Receipt {
  orderId: string;
  amountCents: number;
  currency: string;
  providerPaymentId: string;
  paidAt: Date;
}

/** The succeeded payment of an order, if the order is the buyer's. */
export async function findReceipt(pool: Pool, orderId: string, buyerId: string): Promise<Receipt | undefined> {
  const { rows } = await pool.query<Receipt>(
    `SELECT p.order_id AS "orderId", p.amount_cents AS "amountCents", p.currency,
       p.provider_payment_id AS "providerPaymentId", p.created_at AS "paidAt"
     FROM payments p JOIN orders o ON o.id = p.order_id
     WHERE p.order_id = $1 AND o.user_id = $2 AND p.status = 'succeeded'`,
    [orderId, buyerId],
  );
  return rows[0];
}
