import { RetryLaterError, type EventData, type OrderStatus, type Pool, type PoolClient } from '@microtick/common';

export interface OrderRow {
  id: string;
  userId: string;
  status: OrderStatus;
  priceCents: number;
  expiresAt: Date;
  version: number;
  /** The payment window was closed by expiration.complete (see payment-window.ts). */
  windowClosed: boolean;
  /** Tickets reserved the ticket for this order: it can be paid (see ticket-updated.ts). */
  ticketHeld: boolean;
}

const columns =
  'id, user_id AS "userId", status, price_cents AS "priceCents", expires_at AS "expiresAt", version, window_closed_at IS NOT NULL AS "windowClosed", ticket_held AS "ticketHeld"';

export async function findOrder(db: Pool | PoolClient, id: string, lock = false): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(`SELECT ${columns} FROM orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
  return rows[0];
}

/** order.created: version 0; a duplicate changes nothing. */
export async function insertOrder(pool: Pool, order: EventData<'order.created'>): Promise<void> {
  await pool.query(
    `INSERT INTO orders (id, user_id, status, price_cents, expires_at, version, seller_id, ticket_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING`,
    [
      order.id,
      order.userId,
      order.status,
      order.ticket.price,
      order.expiresAt,
      order.version,
      order.ticket.sellerId,
      order.ticket.id,
    ],
  );
}

/** Tickets reserved the order's ticket for it; false while the order is not in the replica yet. */
export async function markTicketHeld(pool: Pool, orderId: string): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE orders SET ticket_held = true WHERE id = $1', [orderId]);
  return rowCount === 1;
}

/**
 * order.updated under the version rule: applied only as the next version. Returns false for an event
 * already applied (acked and dropped); throws RetryLaterError for one that arrived before its predecessor.
 */
export async function applyOrderUpdate(client: PoolClient, update: EventData<'order.updated'>): Promise<boolean> {
  const { rowCount } = await client.query(
    'UPDATE orders SET status = $2, version = $3 WHERE id = $1 AND version = $3 - 1',
    [update.id, update.status, update.version],
  );
  if (rowCount === 1) return true;
  // Old only when this version (or a later one) is already applied. The replica row can also appear
  // between the UPDATE and this read (order.created committing concurrently): that is not old, try again.
  const current = await findOrder(client, update.id);
  if (current && current.version >= update.version) return false;
  throw new RetryLaterError(
    `order ${update.id} version ${update.version} arrived before version ${update.version - 1}`,
    50,
  );
}
