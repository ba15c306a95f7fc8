import type { EventData, OrderStatus, Pool, PoolClient } from '@microtick/common';
import { orderUpdateFits } from '../rules';

export async function insertOrder(pool: Pool, order: EventData<'order.created'>): Promise<void> {
  await pool.query(
    `INSERT INTO orders (id, buyer_id, ticket_id, seller_id, price_cents, expires_at, status, version)
     VALUES ($1, $2, $3, $4, $5, $6, 'created', 0) ON CONFLICT (id) DO NOTHING`,
    [order.id, order.userId, order.ticket.id, order.ticket.sellerId, order.ticket.price, order.expiresAt],
  );
}

/** Applies an order.updated (closedAt: when it occurred) under the version rule; see orderUpdateFits. */
export async function applyOrderUpdate(
  client: PoolClient,
  update: EventData<'order.updated'>,
  closedAt: string,
): Promise<'apply' | 'repeat' | 'wait'> {
  const { rows } = await client.query<{ version: number }>('SELECT version FROM orders WHERE id = $1 FOR UPDATE', [
    update.id,
  ]);
  const fits = orderUpdateFits(rows[0]?.version, update.version);
  if (fits === 'apply') {
    await client.query(
      'UPDATE orders SET status = $2, cancel_reason = $3, version = $4, closed_at = $5 WHERE id = $1',
      [update.id, update.status, update.cancelReason, update.version, closedAt],
    );
  }
  return fits;
}

export interface Party {
  id: string;
  /** Null until the user's user.created arrives. */
  email: string | null;
}

/** Everything the emails about one order say, as far as this service knows it. */
export interface OrderStory {
  id: string;
  status: OrderStatus;
  cancelReason: 'buyer' | 'expired' | 'withdrawn' | null;
  closedAt: Date | null;
  expiresAt: Date;
  priceCents: number;
  buyer: Party;
  /** Null when neither order.created nor the ticket has said who sells it yet. */
  seller: Party | null;
  ticket: { id: string; title: string; venue: string | null; startsAt: string | null; seat: string | null } | null;
  payment: { amountCents: number; paidAt: Date } | null;
}

interface StoryRow {
  id: string;
  status: OrderStatus;
  cancel_reason: 'buyer' | 'expired' | 'withdrawn' | null;
  closed_at: Date | null;
  expires_at: Date;
  price_cents: number;
  buyer_id: string;
  buyer_email: string | null;
  seller_id: string | null;
  seller_email: string | null;
  ticket_id: string;
  title: string | null;
  venue: string | null;
  starts_at: string | null;
  seat: string | null;
  amount_cents: number | null;
  paid_at: Date | null;
}

export async function findOrderStory(pool: Pool, orderId: string): Promise<OrderStory | undefined> {
  const { rows } = await pool.query<StoryRow>(
    `SELECT o.id, o.status, o.cancel_reason, o.closed_at, o.expires_at, o.price_cents, o.buyer_id,
       b.email AS buyer_email, COALESCE(o.seller_id, t.seller_id) AS seller_id, s.email AS seller_email,
       o.ticket_id, t.title, t.venue, t.starts_at, t.seat, p.amount_cents, p.paid_at
     FROM orders o
     LEFT JOIN tickets t ON t.id = o.ticket_id
     LEFT JOIN users b ON b.id = o.buyer_id
     LEFT JOIN users s ON s.id = COALESCE(o.seller_id, t.seller_id)
     LEFT JOIN LATERAL (SELECT amount_cents, paid_at FROM payments WHERE order_id = o.id ORDER BY paid_at LIMIT 1) p
       ON true
     WHERE o.id = $1`,
    [orderId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    cancelReason: row.cancel_reason,
    closedAt: row.closed_at,
    expiresAt: row.expires_at,
    priceCents: row.price_cents,
    buyer: { id: row.buyer_id, email: row.buyer_email },
    seller: row.seller_id ? { id: row.seller_id, email: row.seller_email } : null,
    ticket:
      row.title === null
        ? null
        : { id: row.ticket_id, title: row.title, venue: row.venue, startsAt: row.starts_at, seat: row.seat },
    payment: row.amount_cents === null ? null : { amountCents: row.amount_cents, paidAt: row.paid_at! },
  };
}

/**
 * Closed orders a user bought or sold: their emails may have waited for the user's address. The seller
 * is the order's, or the ticket's when the order has none; each branch reads its own index (one OR over
 * the join read both tables whole, at every sign-up).
 */
export const CLOSED_ORDERS_OF = `
  SELECT id FROM orders WHERE buyer_id = $1 AND status <> 'created'
  UNION
  SELECT id FROM orders WHERE seller_id = $1 AND status <> 'created'
  UNION
  SELECT o.id FROM tickets t JOIN orders o ON o.ticket_id = t.id
  WHERE t.seller_id = $1 AND o.seller_id IS NULL AND o.status <> 'created'`;

export async function closedOrdersOf(pool: Pool, userId: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(CLOSED_ORDERS_OF, [userId]);
  return rows.map((r) => r.id);
}
