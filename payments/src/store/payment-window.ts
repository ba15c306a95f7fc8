import { recordEvent, RetryLaterError, withTransaction, type OrderStatus, type Pool } from '@microtick/common';
import { judgeWindow, type WindowCloseReason, type WindowState } from '../rules';

/** Why a charge may not start, or 'started' once it is marked in flight. */
export type ChargeStart =
  | { outcome: 'not found' }
  | { outcome: 'cancelled' | 'paid' | 'expired' }
  | { outcome: 'started'; order: { id: string; priceCents: number } };

export interface ChargeStartRequest {
  orderId: string;
  userId: string;
}

/**
 * Checks that each buyer's order can be paid and marks a charge in flight, in one statement under the
 * replica rows' locks (taken in id order, so two batches cannot deadlock), so the window cannot close
 * between the check and the mark, and cannot close while the charge is in flight (the judge waits for
 * it). Times are the database's clock, the judge's too. Results in the order of `requests`; the same
 * order twice in a batch (a double click) marks two charges.
 */
export async function startCharges(pool: Pool, requests: ChargeStartRequest[]): Promise<ChargeStart[]> {
  const { rows } = await pool.query<{
    n: number;
    price_cents: number | null;
    status: OrderStatus | null;
    paid: boolean;
    closed: boolean;
    judged: boolean;
    held: boolean;
    started: boolean;
    by_buyer: boolean;
  }>({
    name: 'start-charges',
    text: `WITH input AS (
             SELECT * FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS i (order_id, user_id, n)
           ), o AS (
             SELECT id, user_id, status, price_cents, ticket_held AS held, window_closed_at IS NOT NULL AS judged,
               window_closed_by_buyer AS by_buyer,
               window_closed_at IS NOT NULL OR expires_at <= clock_timestamp() AS closed,
               EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id AND p.status = 'succeeded') AS paid
             FROM orders WHERE id IN (SELECT order_id FROM input) ORDER BY id FOR UPDATE
           ), starting AS (
             SELECT i.order_id, count(*)::int AS charges FROM input i
             JOIN o ON o.id = i.order_id AND o.user_id = i.user_id
             WHERE o.status = 'created' AND o.held AND NOT o.paid AND NOT o.closed
             GROUP BY i.order_id
           ), started AS (
             UPDATE orders SET charges_in_flight = charges_in_flight + s.charges, charge_started_at = clock_timestamp()
             FROM starting s WHERE orders.id = s.order_id
             RETURNING orders.id
           )
           SELECT i.n::int, o.status, o.price_cents, coalesce(o.paid, false) AS paid,
             coalesce(o.closed, false) AS closed, coalesce(o.judged, false) AS judged, coalesce(o.held, false) AS held,
             coalesce(o.by_buyer, false) AS by_buyer,
             EXISTS (SELECT 1 FROM started s WHERE s.id = o.id) AS started
           FROM input i LEFT JOIN o ON o.id = i.order_id AND o.user_id = i.user_id`,
    values: [requests.map((r) => r.orderId), requests.map((r) => r.userId)],
  });
  const byPosition = new Map(rows.map((row) => [row.n, row]));
  return requests.map((request, i): ChargeStart => {
    const row = byPosition.get(i + 1);
    if (!row || row.status === null) return { outcome: 'not found' };
    if (row.started) return { outcome: 'started', order: { id: request.orderId, priceCents: row.price_cents! } };
    // Closed at orders' request (window_closed_by_buyer: a buyer's cancel, or a withdrawal): cancelled,
    // whether or not orders has said so yet.
    if (row.by_buyer) return { outcome: 'cancelled' };
    // An order cancelled because its window closed unpaid has expired, as far as its buyer is concerned.
    if (row.status === 'cancelled') return { outcome: row.judged ? 'expired' : 'cancelled' };
    if (row.status === 'complete' || row.paid) return { outcome: 'paid' };
    // Tickets has not reserved the ticket for this order yet (or never will: withdrawn first). Like an
    // order the replica has not seen yet: the buyer's client tries again.
    if (!row.held && !row.closed) return { outcome: 'not found' };
    return { outcome: 'expired' };
  });
}

/**
 * Of these orders, the ones startCharges would no longer answer 'not found' for whatever buyer asks: in
 * the replica, and held by tickets or no longer payable. A read, with no lock and nothing to commit.
 */
export async function decidableOrders(pool: Pool, orderIds: string[]): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>({
    name: 'decidable-orders',
    text: `SELECT id FROM orders WHERE id = ANY($1::uuid[])
             AND (ticket_held OR status <> 'created' OR window_closed_at IS NOT NULL OR expires_at <= clock_timestamp())`,
    values: [orderIds],
  });
  return rows.map((r) => r.id);
}

/** A charge started by startCharges has been recorded, declined or failed: the mark goes with the last one. */
export async function endCharge(pool: Pool, orderId: string): Promise<void> {
  await pool.query({
    name: 'end-charge',
    text: `UPDATE orders SET charges_in_flight = greatest(charges_in_flight - 1, 0),
             charge_started_at = CASE WHEN charges_in_flight <= 1 THEN NULL ELSE charge_started_at END
           WHERE id = $1`,
    values: [orderId],
  });
}

export type WindowOutcome = 'closed' | 'closed paid' | 'unchanged';

/**
 * expiration.complete (reason expired) or order.cancellation-requested (reason buyer) for an order: under
 * its replica row's lock, close the payment window unless a charge is in flight (RetryLaterError: the
 * event comes back) or, for an expiry, its end is still ahead. An unpaid close records
 * payment.window-closed with the reason in the same transaction; orders cancels the order on it. A paid
 * one closes with nothing to publish: payment.created completes the order, and a buyer's cancel loses.
 */
export async function closeWindow(
  pool: Pool,
  orderId: string,
  abandonAfterMs: number,
  reason: WindowCloseReason = 'expired',
): Promise<WindowOutcome> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<Omit<WindowState, 'paid'> & { now: Date }>(
      `SELECT status, expires_at AS "expiresAt", window_closed_at AS "windowClosedAt",
         charges_in_flight AS "chargesInFlight", charge_started_at AS "chargeStartedAt", clock_timestamp() AS now
       FROM orders WHERE id = $1 FOR UPDATE`,
      [orderId],
    );
    if (!rows[0]) throw new RetryLaterError(`order ${orderId} is not in the replica yet`, 500);
    // Read after the lock is held: a subquery of the locking statement would still see the snapshot from
    // before it waited, missing the payment that the charge it waited for committed with its end.
    const paid = await client.query("SELECT 1 FROM payments WHERE order_id = $1 AND status = 'succeeded'", [orderId]);
    const state: WindowState & { now: Date } = { ...rows[0], paid: paid.rowCount === 1 };
    const verdict = judgeWindow(state, state.now, abandonAfterMs, reason);
    if (verdict.action === 'wait') {
      throw new RetryLaterError(
        `order ${orderId}: a charge is in flight or the window is still open`,
        verdict.retryInMs,
      );
    }
    if (verdict.action === 'none') return 'unchanged';
    await client.query(
      `UPDATE orders SET window_closed_at = clock_timestamp(), charges_in_flight = 0,
         window_closed_by_buyer = ($2::text <> 'expired' AND $3::boolean) WHERE id = $1`,
      [orderId, reason, verdict.action === 'close'],
    );
    if (verdict.action === 'close paid') return 'closed paid';
    await recordEvent(client, 'payment.window-closed', { orderId, reason });
    return 'closed';
  });
}
