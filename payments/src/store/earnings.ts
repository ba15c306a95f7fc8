import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { afterCommit, type Pool, type PoolClient } from '@microtick/common';
import { earningWaitReason, splitSale, type PayoutAccountStatus } from '../rules';

/** Emits 'due' when a committed change made an earning transferable (or reversible): wakes the worker. */
export const payoutSignal = new EventEmitter();

/** What a pending earning whose seller can be paid waits for: the worker. */
export const QUEUED = 'transfer queued';

export type EarningStatus = 'pending' | 'transferred' | 'reversed';

export interface EarningRow {
  id: string;
  orderId: string;
  ticketId: string | null;
  shareCents: number;
  feeCents: number;
  currency: string;
  status: EarningStatus;
  pendingReason: string | null;
  createdAt: Date;
}

/**
 * order.updated complete: records the seller's earning as pending, in the caller's transaction (the one
 * that applies the update), once per order. Transferable at once when the seller's account is active;
 * otherwise it waits (next attempt: never) with the reason, until the account becomes active.
 */
export async function recordEarning(client: PoolClient, orderId: string, feeBps: number): Promise<boolean> {
  // Holds the standing payment's row until this transaction ends. A refund of it waits for the lock, so
  // its markEarningsOfRefundedCharges, a later statement, sees this earning; a refund that got there
  // first leaves no standing payment to read below.
  await client.query(`SELECT 1 FROM payments WHERE order_id = $1 AND status = 'succeeded' FOR SHARE`, [orderId]);
  const { rows } = await client.query<{
    sellerId: string | null;
    ticketId: string | null;
    priceCents: number;
    paymentId: string | null;
    amountCents: number | null;
    currency: string | null;
    account: 'pending' | 'active' | null;
  }>(
    `SELECT o.seller_id AS "sellerId", o.ticket_id AS "ticketId", o.price_cents AS "priceCents",
       p.id AS "paymentId", p.amount_cents AS "amountCents", p.currency, a.status AS account
     FROM orders o
     LEFT JOIN payments p ON p.order_id = o.id AND p.status = 'succeeded'
     LEFT JOIN payout_accounts a ON a.user_id = o.seller_id
     WHERE o.id = $1`,
    [orderId],
  );
  const sale = rows[0];
  if (!sale) return false;
  const { shareCents, feeCents } = splitSale(sale.amountCents ?? sale.priceCents, feeBps);
  const reason = earningWaitReason({
    sellerKnown: sale.sellerId !== null,
    paymentStanding: sale.paymentId !== null,
    account: (sale.account ?? 'none') satisfies PayoutAccountStatus,
  });
  const { rowCount } = await client.query(
    `INSERT INTO earnings (id, order_id, seller_id, ticket_id, payment_id, share_cents, fee_cents, currency,
       pending_reason, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN now() ELSE 'infinity' END)
     ON CONFLICT (order_id) DO NOTHING`,
    [
      randomUUID(),
      orderId,
      sale.sellerId,
      sale.ticketId,
      sale.paymentId,
      shareCents,
      feeCents,
      sale.currency ?? 'usd',
      reason ?? QUEUED,
      reason === null,
    ],
  );
  if (rowCount === 1 && reason === null) afterCommit(client, () => payoutSignal.emit('due'));
  return rowCount === 1;
}

/** The seller's earnings, newest first (at most `limit`), and their totals in cents by status. */
export async function listEarnings(
  pool: Pool,
  sellerId: string,
  limit = 200,
): Promise<{ earnings: EarningRow[]; totals: Record<EarningStatus, number> }> {
  const [list, sums] = await Promise.all([
    pool.query<EarningRow>(
      `SELECT id, order_id AS "orderId", ticket_id AS "ticketId", share_cents AS "shareCents", fee_cents AS "feeCents",
         currency, status, pending_reason AS "pendingReason", created_at AS "createdAt"
       FROM earnings WHERE seller_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [sellerId, limit],
    ),
    pool.query<{ status: EarningStatus; cents: string }>(
      'SELECT status, sum(share_cents) AS cents FROM earnings WHERE seller_id = $1 GROUP BY status',
      [sellerId],
    ),
  ]);
  const totals: Record<EarningStatus, number> = { pending: 0, transferred: 0, reversed: 0 };
  for (const row of sums.rows) totals[row.status] = Number(row.cents);
  return { earnings: list.rows, totals };
}

/** An earning the worker claimed: to transfer, or (its charge refunded) to reverse. */
export interface PayoutJob {
  id: string;
  orderId: string;
  kind: 'transfer' | 'reverse';
  status: EarningStatus;
  shareCents: number;
  currency: string;
  destination: string | null;
  providerPaymentId: string;
  providerTransferId: string | null;
  /** A transfer call was made (or may have been): reversing it must find it first. */
  transferAttempted: boolean;
  attempts: number;
}

const jobColumns = `e.id, e.order_id AS "orderId", e.status, e.share_cents AS "shareCents", e.currency,
  d.destination, d.provider_payment_id AS "providerPaymentId", e.provider_transfer_id AS "providerTransferId",
  e.transfer_attempted_at IS NOT NULL AS "transferAttempted", e.attempts`;

/**
 * Earnings whose charge was refunded and that are not reversed yet, through their own index: the claim
 * reads those few rows, not every refund ever made. Waiting earnings (next attempt never) are reversed too.
 */
export const CLAIM_REVERSALS = `UPDATE earnings e SET attempts = e.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
  FROM (
    SELECT e.id, a.provider_account_id AS destination, p.provider_payment_id
    FROM earnings e
    JOIN payments p ON p.id = e.payment_id
    LEFT JOIN payout_accounts a ON a.user_id = e.seller_id
    WHERE e.charge_refunded AND e.status IN ('pending', 'transferred')
      AND (e.next_attempt_at <= now() OR e.next_attempt_at = 'infinity')
    LIMIT $1 FOR UPDATE OF e SKIP LOCKED
  ) d
  WHERE e.id = d.id
  RETURNING ${jobColumns}`;

/**
 * Claims up to `limit` due earnings for `leaseMs`: no worker (of any replica) picks them up again before
 * the lease ends, unless the result is recorded first. A worker that dies mid-call leaves the lease to
 * run out, and the next one repeats the call with the same idempotency key. Transfers: pending, the
 * seller's account active and the charge standing; the claim commits `transfer_attempted_at` before any
 * call. Reversals: pending or transferred while the order's charge is refunded (or being refunded).
 */
export async function claimPayoutJobs(pool: Pool, limit: number, leaseMs: number): Promise<PayoutJob[]> {
  const transfers = await pool.query<Omit<PayoutJob, 'kind'>>(
    `UPDATE earnings e SET attempts = e.attempts + 1, transfer_attempted_at = coalesce(e.transfer_attempted_at, now()),
       next_attempt_at = now() + $2 * interval '1 millisecond'
     FROM (
       SELECT e.id, a.provider_account_id AS destination, p.provider_payment_id
       FROM earnings e
       JOIN payments p ON p.id = e.payment_id AND p.status = 'succeeded'
       JOIN payout_accounts a ON a.user_id = e.seller_id AND a.status = 'active'
       WHERE e.status = 'pending' AND e.next_attempt_at <= now()
       ORDER BY e.next_attempt_at LIMIT $1 FOR UPDATE OF e SKIP LOCKED
     ) d
     WHERE e.id = d.id
     RETURNING ${jobColumns}`,
    [limit, leaseMs],
  );
  const reversals = await pool.query<Omit<PayoutJob, 'kind'>>(CLAIM_REVERSALS, [limit, leaseMs]);
  return [
    ...transfers.rows.map((job) => ({ ...job, kind: 'transfer' as const })),
    ...reversals.rows.map((job) => ({ ...job, kind: 'reverse' as const })),
  ];
}

/** The transfer exists at the provider. Also from transfer.created, for a result a crash lost. */
export async function recordTransfer(pool: Pool, earningId: string, providerTransferId: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE earnings SET status = 'transferred', provider_transfer_id = $2, transferred_at = now(),
       pending_reason = NULL, last_error = NULL, next_attempt_at = now()
     WHERE id = $1 AND status = 'pending' AND transfer_attempted_at IS NOT NULL`,
    [earningId, providerTransferId],
  );
  return rowCount === 1;
}

/** The earning's charge was refunded before any transfer was attempted: nothing to reverse at the provider. */
export async function recordCancelledBeforeTransfer(pool: Pool, earningId: string): Promise<void> {
  await pool.query(
    `UPDATE earnings SET status = 'reversed', pending_reason = NULL, reversed_at = now()
     WHERE id = $1 AND status = 'pending' AND transfer_attempted_at IS NULL`,
    [earningId],
  );
}

/** The transfer was reversed at the provider (by the worker, or reported by transfer.reversed). */
export async function recordReversal(
  pool: Pool,
  by: { earningId: string } | { providerTransferId: string },
  providerReversalId: string,
): Promise<boolean> {
  const [column, value] = 'earningId' in by ? ['id', by.earningId] : ['provider_transfer_id', by.providerTransferId];
  const { rowCount } = await pool.query(
    `UPDATE earnings SET status = 'reversed', provider_reversal_id = $2, reversed_at = now(), pending_reason = NULL
     WHERE ${column} = $1 AND status = 'transferred'`,
    [value, providerReversalId],
  );
  return rowCount === 1;
}

/** A provider call failed: retried after `retryInMs`, the error kept (and shown as a pending earning's reason). */
export async function recordPayoutFailure(pool: Pool, earningId: string, error: string, retryInMs: number) {
  await pool.query(
    `UPDATE earnings SET last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond',
       pending_reason = CASE WHEN status = 'pending' THEN 'transfer failed, retrying: ' || $2 ELSE pending_reason END
     WHERE id = $1 AND status <> 'reversed'`,
    [earningId, error.slice(0, 500), retryInMs],
  );
}

/**
 * Payments that just left `succeeded`: their earnings (if any) are to be reversed. Called in the same
 * transaction as the payments' update and after it, as a statement of its own (see recordEarning).
 */
export async function markEarningsOfRefundedCharges(client: PoolClient, paymentIds: string[]): Promise<void> {
  if (paymentIds.length === 0) return;
  await client.query('UPDATE earnings SET charge_refunded = true WHERE payment_id = ANY($1::uuid[])', [paymentIds]);
}
