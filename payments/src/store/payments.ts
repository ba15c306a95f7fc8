import { randomUUID } from 'node:crypto';
import {
  afterCommit,
  makeEnvelope,
  outboxSignal,
  withTransaction,
  type Envelope,
  type OrderStatus,
  type Pool,
  type PoolClient,
} from '@microtick/common';
import { chargeDecision, type WindowCloseReason } from '../rules';
import { markEarningsOfRefundedCharges } from './earnings';

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

export interface ChargeToRecord extends SucceededCharge {
  /** The charge was marked in flight by startCharges (a request's, not a webhook's): the mark ends here. */
  endsCharge?: boolean;
}

/**
 * Records a charge the provider reported as succeeded, from the request or from a webhook, once per
 * provider payment id: a batch of one. Throws UnknownOrderError when the order is not in the replica.
 */
export async function recordSucceededCharge(pool: Pool, charge: ChargeToRecord): Promise<RecordOutcome> {
  const [result] = await recordCharges(pool, [charge]);
  if (result instanceof Error) throw result;
  return result;
}

/**
 * Records succeeded charges in one transaction: lock their orders' replica rows (in id order, so two
 * batches cannot deadlock), read the payments standing for them, let `chargeDecision` keep or refund
 * each charge, then insert the payments, the payment.created outbox rows of those kept, and end the
 * charges marked in flight, in one statement. Concurrent charges for one order are decided one at a time,
 * and a cancellation or the window's close (which lock the row too) is applied wholly before or after.
 * The payments are read by a statement after the lock is held: one that waited for the lock would still
 * see, in a subquery, the snapshot from before the wait (see docs/performance.md, Propagation).
 *
 * Results in the order of `charges`; an UnknownOrderError for a charge whose order is not in the replica.
 */
export async function recordCharges(
  pool: Pool,
  charges: ChargeToRecord[],
): Promise<(RecordOutcome | UnknownOrderError)[]> {
  const orderIds = [...new Set(charges.map((c) => c.orderId))];
  const results = await withTransaction(pool, async (client) => {
    const locked = await client.query<{ id: string; status: OrderStatus; windowClosedBy: WindowCloseReason | null }>({
      name: 'lock-charged-orders',
      text: `SELECT id, status, CASE WHEN window_closed_at IS NULL THEN NULL
                 WHEN window_closed_by_buyer THEN 'buyer' ELSE 'expired' END AS "windowClosedBy"
             FROM orders WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      values: [orderIds],
    });
    const standing = await client.query<PaymentRow>({
      name: 'standing-payments',
      text: `SELECT ${columns} FROM payments
             WHERE provider_payment_id = ANY($1::text[]) OR (order_id = ANY($2::uuid[]) AND status = 'succeeded')`,
      values: [charges.map((c) => c.providerPaymentId), orderIds],
    });
    const orders = new Map(locked.rows.map((o) => [o.id, o]));
    const byProviderId = new Map(standing.rows.map((p) => [p.providerPaymentId, p]));
    const paidOrders = new Set(standing.rows.filter((p) => p.status === 'succeeded').map((p) => p.orderId));
    const inserted: PaymentRow[] = [];
    const events: Envelope[] = [];

    const outcomes = charges.map((charge): RecordOutcome | UnknownOrderError => {
      const order = orders.get(charge.orderId);
      if (!order) return new UnknownOrderError(`order ${charge.orderId} is not in the replica`);
      const recorded = byProviderId.get(charge.providerPaymentId);
      if (recorded) {
        return recorded.status === 'succeeded'
          ? { outcome: 'recorded', payment: recorded }
          : { outcome: 'refund', payment: recorded };
      }
      const decision = chargeDecision({
        status: order.status,
        windowClosed: order.windowClosedBy ?? false,
        paidByAnotherCharge: paidOrders.has(order.id),
      });
      const reason =
        decision === 'keep' ? undefined : (decision.slice('refund: '.length) as 'cancelled' | 'expired' | 'paid');
      const payment: PaymentRow = {
        id: randomUUID(),
        orderId: order.id,
        providerPaymentId: charge.providerPaymentId,
        amountCents: charge.amountCents,
        currency: charge.currency,
        status: reason ? 'refund_pending' : 'succeeded',
        providerRefundId: null,
      };
      inserted.push(payment);
      byProviderId.set(payment.providerPaymentId, payment);
      if (reason) return { outcome: 'refund', payment, reason };
      paidOrders.add(order.id);
      events.push(
        makeEnvelope('payment.created', {
          id: payment.id,
          orderId: order.id,
          amount: payment.amountCents,
          providerPaymentId: payment.providerPaymentId,
        }),
      );
      return { outcome: 'recorded', payment };
    });

    const ended = charges.filter((c) => c.endsCharge && orders.has(c.orderId)).map((c) => c.orderId);
    // The relay is woken once the transaction commits, not when the statement returns.
    if (events.length > 0) afterCommit(client, () => outboxSignal.emit('recorded'));
    await client.query({
      name: 'record-charges',
      text: `WITH inserted AS (
                 INSERT INTO payments (id, order_id, provider_payment_id, amount_cents, currency, status)
                 SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[])
               ), recorded AS (
                 INSERT INTO outbox (id, subject, envelope) SELECT * FROM unnest($7::uuid[], $8::text[], $9::jsonb[])
               ), ended AS (
                 SELECT id, count(*)::int AS charges FROM unnest($10::uuid[]) AS e (id) GROUP BY id
               )
               UPDATE orders SET charges_in_flight = greatest(charges_in_flight - ended.charges, 0),
                 charge_started_at = CASE WHEN charges_in_flight <= ended.charges THEN NULL ELSE charge_started_at END
               FROM ended WHERE orders.id = ended.id`,
      values: [
        inserted.map((p) => p.id),
        inserted.map((p) => p.orderId),
        inserted.map((p) => p.providerPaymentId),
        inserted.map((p) => p.amountCents),
        inserted.map((p) => p.currency),
        inserted.map((p) => p.status),
        events.map((e) => e.id),
        events.map((e) => e.subject),
        events.map((e) => JSON.stringify(e)),
        ended,
      ],
    });
    return outcomes;
  });
  return results;
}

/** Marks the order's succeeded charges for refund, inside the caller's transaction. */
export async function markForRefund(client: PoolClient, orderId: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `UPDATE payments SET status = 'refund_pending' WHERE order_id = $1 AND status = 'succeeded' RETURNING id`,
    [orderId],
  );
  await markEarningsOfRefundedCharges(
    client,
    rows.map((r) => r.id),
  );
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

/**
 * A charge refunded in full at the provider (the Dashboard, a dispute settled by refund): the payment is
 * refunded, so the payout worker reverses its seller's transfer. False when no standing payment matched.
 */
export async function markRefundedAtProvider(
  pool: Pool,
  providerPaymentId: string,
  providerRefundId: string | null,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `UPDATE payments SET status = 'refunded', provider_refund_id = coalesce($2, provider_refund_id), refunded_at = now()
       WHERE provider_payment_id = $1 AND status IN ('succeeded', 'refund_pending')
       RETURNING id`,
      [providerPaymentId, providerRefundId],
    );
    await markEarningsOfRefundedCharges(
      client,
      rows.map((r) => r.id),
    );
    return rows.length > 0;
  });
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
