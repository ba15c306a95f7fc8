import { recordEvent, withTransaction, type OrderStatus, type Pool, type PoolClient } from '@microtick/common';
import { heldTickets } from './held-tickets';

export interface OrderRecord {
  id: string;
  userId: string;
  status: OrderStatus;
  expiresAt: Date;
  /** When the buyer placed the order. */
  createdAt: Date;
  version: number;
  ticket: { id: string; title: string; priceCents: number } & TicketEvent;
  /** Set when the order is cancelled: by its buyer, or because its window ended. */
  cancelReason: CancelReason | null;
  /** When its buyer asked to cancel it; payments' verdict is still to come while the order is open. */
  cancelRequestedAt: Date | null;
}

export type CancelReason = 'buyer' | 'expired' | 'withdrawn';

/** The ticket's event when the order was placed: null when the seller gave none. */
export interface TicketEvent {
  venue: string | null;
  /** ISO-8601 with the seller's offset. */
  startsAt: string | null;
}

interface OrderRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  expires_at: Date;
  created_at: Date;
  version: number;
  ticket_id: string;
  ticket_title: string;
  ticket_price_cents: number;
  ticket_venue: string | null;
  ticket_starts_at: string | null;
  cancel_reason: CancelReason | null;
  cancel_requested_at: Date | null;
}

const SELECT_ORDER = `
  SELECT o.id, o.user_id, o.status, o.expires_at, o.created_at, o.version, o.ticket_id, o.ticket_price_cents,
    o.ticket_title, o.ticket_venue, o.ticket_starts_at, o.cancel_reason, o.cancel_requested_at
  FROM orders o`;

const toRecord = (row: OrderRow): OrderRecord => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
  version: row.version,
  ticket: {
    id: row.ticket_id,
    title: row.ticket_title,
    priceCents: row.ticket_price_cents,
    venue: row.ticket_venue,
    startsAt: row.ticket_starts_at,
  },
  cancelReason: row.cancel_reason,
  cancelRequestedAt: row.cancel_requested_at,
});

export async function findOrder(pool: Pool, id: string): Promise<OrderRecord | undefined> {
  const { rows } = await pool.query<OrderRow>(`${SELECT_ORDER} WHERE o.id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

export async function listOrdersOfBuyer(pool: Pool, userId: string): Promise<OrderRecord[]> {
  const { rows } = await pool.query<OrderRow>(`${SELECT_ORDER} WHERE o.user_id = $1 ORDER BY o.created_at DESC, o.id`, [
    userId,
  ]);
  return rows.map(toRecord);
}

/**
 * Locks the order row until the transaction ends, so a cancel, an expiry and a payment arriving
 * together are applied one after another and each sees the status the previous one left.
 */
export async function lockOrder(client: PoolClient, id: string): Promise<OrderRecord | undefined> {
  const { rows } = await client.query<OrderRow>(`${SELECT_ORDER} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
  return rows[0] && toRecord(rows[0]);
}

export type Transition = { status: 'complete' } | { status: 'cancelled'; reason: CancelReason };

/**
 * Moves a locked open order to cancelled or complete, bumps its version, gives the buyer's hold back
 * (buyer_holds) and records order.updated.
 */
export async function transitionOrder(client: PoolClient, order: OrderRecord, transition: Transition): Promise<void> {
  const { status } = transition;
  const reason = transition.status === 'cancelled' ? transition.reason : null;
  const { rowCount } = await client.query(
    `UPDATE orders SET status = $2, cancel_reason = $4, version = version + 1, closed_at = clock_timestamp()
     WHERE id = $1 AND version = $3 AND status = 'created'`,
    [order.id, status, order.version, reason],
  );
  if (rowCount !== 1) throw new Error(`order ${order.id} changed under its row lock`);
  // Forgotten before the commit: the next order for this ticket asks the database, which is always safe.
  heldTickets.forget(order.ticket.id);
  await client.query('UPDATE buyer_holds SET open_orders = open_orders - 1 WHERE user_id = $1', [order.userId]);
  await recordEvent(client, 'order.updated', {
    id: order.id,
    userId: order.userId,
    status,
    ticket: { id: order.ticket.id },
    version: order.version + 1,
    cancelReason: reason,
  });
}

/**
 * Records that this locked open order is to be cancelled (its buyer asked, or its ticket was withdrawn),
 * with order.cancellation-requested for payments to judge; the order stays open until payments' verdict
 * comes back (payment.window-closed).
 */
export async function requestCancellation(
  client: PoolClient,
  order: OrderRecord,
  reason: 'buyer' | 'withdrawn' = 'buyer',
): Promise<void> {
  await client.query('UPDATE orders SET cancel_requested_at = clock_timestamp() WHERE id = $1', [order.id]);
  await recordEvent(client, 'order.cancellation-requested', { orderId: order.id, reason });
}

/** The order's status now, read without a lock: for a request waiting on a verdict. */
export async function currentStatus(pool: Pool, id: string): Promise<OrderStatus | undefined> {
  const { rows } = await pool.query<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = $1', [id]);
  return rows[0]?.status;
}

/**
 * Asks payments to close the window of every open order for a ticket its seller withdrew (at most one:
 * one open order per ticket), once each; returns the orders asked for.
 */
export async function requestCancellationOfOpenOrders(pool: Pool, ticketId: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM orders WHERE ticket_id = $1 AND status = 'created' AND cancel_requested_at IS NULL",
    [ticketId],
  );
  const asked: string[] = [];
  for (const { id } of rows) {
    await withTransaction(pool, async (client) => {
      const order = await lockOrder(client, id);
      if (order?.status === 'created' && !order.cancelRequestedAt) {
        await requestCancellation(client, order, 'withdrawn');
        asked.push(id);
      }
    });
  }
  return asked;
}
