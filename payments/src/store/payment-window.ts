import { recordEvent, RetryLaterError, withTransaction, type OrderStatus, type Pool } from '@microtick/common';
import { judgeWindow, type WindowState } from '../rules';

/** Why a charge may not start, or 'started' once it is marked in flight. */
export type ChargeStart =
  | { outcome: 'not found' }
  | { outcome: 'cancelled' | 'paid' | 'expired' }
  | { outcome: 'started'; order: { id: string; priceCents: number } };

/**
 * Checks that the buyer's order can be paid and marks a charge in flight, in one statement under the
 * replica row's lock, so the window cannot close between the check and the mark, and cannot close while
 * the charge is in flight (the judge waits for it). Times are the database's clock, the judge's too.
 */
export async function startCharge(pool: Pool, orderId: string, userId: string): Promise<ChargeStart> {
  const { rows } = await pool.query<{
    price_cents: number;
    status: OrderStatus;
    paid: boolean;
    closed: boolean;
    judged: boolean;
    held: boolean;
    started: boolean;
  }>({
    name: 'start-charge',
    text: `WITH o AS (
             SELECT id, status, price_cents, ticket_held AS held, window_closed_at IS NOT NULL AS judged,
               window_closed_at IS NOT NULL OR expires_at <= clock_timestamp() AS closed,
               EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id AND p.status = 'succeeded') AS paid
             FROM orders WHERE id = $1 AND user_id = $2 FOR UPDATE
           ), started AS (
             UPDATE orders SET charges_in_flight = charges_in_flight + 1, charge_started_at = clock_timestamp()
             FROM o WHERE orders.id = o.id AND o.status = 'created' AND o.held AND NOT o.paid AND NOT o.closed
             RETURNING orders.id
           )
           SELECT o.status, o.price_cents, o.held, o.paid, o.closed, o.judged, EXISTS (SELECT 1 FROM started) AS started FROM o`,
    values: [orderId, userId],
  });
  const row = rows[0];
  if (!row) return { outcome: 'not found' };
  if (row.started) return { outcome: 'started', order: { id: orderId, priceCents: row.price_cents } };
  // An order cancelled because its window closed unpaid has expired, as far as its buyer is concerned.
  if (row.status === 'cancelled') return { outcome: row.judged ? 'expired' : 'cancelled' };
  if (row.status === 'complete' || row.paid) return { outcome: 'paid' };
  // Tickets has not reserved the ticket for this order yet (or never will: withdrawn first). Like an
  // order the replica has not seen yet: the buyer's client tries again.
  if (!row.held && !row.closed) return { outcome: 'not found' };
  return { outcome: 'expired' };
}

/** The charge started by startCharge has been recorded, declined or failed: the mark goes with the last one. */
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
 * expiration.complete for an order: under its replica row's lock, close the payment window unless a
 * charge is in flight (RetryLaterError: the event comes back). An unpaid close records
 * payment.window-closed in the same transaction; orders expires the order on it.
 */
export async function closeWindow(pool: Pool, orderId: string, abandonAfterMs: number): Promise<WindowOutcome> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<WindowState & { now: Date }>(
      `SELECT status, expires_at AS "expiresAt", window_closed_at AS "windowClosedAt",
         charges_in_flight AS "chargesInFlight", charge_started_at AS "chargeStartedAt", clock_timestamp() AS now,
         EXISTS (SELECT 1 FROM payments p WHERE p.order_id = orders.id AND p.status = 'succeeded') AS paid
       FROM orders WHERE id = $1 FOR UPDATE`,
      [orderId],
    );
    const state = rows[0];
    if (!state) throw new RetryLaterError(`order ${orderId} is not in the replica yet`, 500);
    const verdict = judgeWindow(state, state.now, abandonAfterMs);
    if (verdict.action === 'wait') {
      throw new RetryLaterError(
        `order ${orderId}: a charge is in flight or the window is still open`,
        verdict.retryInMs,
      );
    }
    if (verdict.action === 'none') return 'unchanged';
    await client.query('UPDATE orders SET window_closed_at = clock_timestamp(), charges_in_flight = 0 WHERE id = $1', [
      orderId,
    ]);
    if (verdict.action === 'close paid') return 'closed paid';
    await recordEvent(client, 'payment.window-closed', { orderId });
    return 'closed';
  });
}
