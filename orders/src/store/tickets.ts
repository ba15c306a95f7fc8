import type { EventData, Pool, TicketStatus } from '@microtick/common';
import { versionRule } from '../rules';
import { ticketPrices } from './ticket-prices';

export interface TicketReplica {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  version: number;
  status: TicketStatus;
  orderId: string | null;
  startsAt: Date | null;
}

const COLUMNS =
  'id, title, price_cents AS "priceCents", user_id AS "userId", version, status, order_id AS "orderId", starts_at AS "startsAt"';

export async function findTicket(pool: Pool, id: string): Promise<TicketReplica | undefined> {
  const { rows } = await pool.query<TicketReplica>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
  return rows[0];
}

/** ticket.created: version 0, inserted once; a redelivery finds the row and changes nothing. */
export async function insertTicket(pool: Pool, ticket: EventData<'ticket.created'>): Promise<void> {
  const { rowCount } = await pool.query(
    `INSERT INTO tickets (id, title, price_cents, user_id, version, status, order_id, starts_at, starts_at_given, venue)
     VALUES ($1, $2, $3, $4, $5, 'available', NULL, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
    [
      ticket.id,
      ticket.title,
      ticket.price,
      ticket.userId,
      ticket.version,
      ticket.startsAt,
      ticket.startsAt,
      ticket.venue,
    ],
  );
  if (rowCount === 1) ticketPrices.remember(ticket.id, { priceCents: ticket.price, sellerId: ticket.userId });
}

export type TicketUpdateOutcome = 'applied' | 'stale' | 'future' | 'unknown';

/** ticket.updated under the version rule: applied only when it is the replica's next version. */
export async function applyTicketUpdate(pool: Pool, ticket: EventData<'ticket.updated'>): Promise<TicketUpdateOutcome> {
  const { rowCount } = await pool.query(
    `UPDATE tickets SET title = $2, price_cents = $3, user_id = $4, version = $5, status = $6, order_id = $7,
       starts_at = $8, starts_at_given = $9, venue = $10
     WHERE id = $1 AND version = $5 - 1`,
    [
      ticket.id,
      ticket.title,
      ticket.price,
      ticket.userId,
      ticket.version,
      ticket.status,
      ticket.orderId,
      ticket.startsAt,
      ticket.startsAt,
      ticket.venue,
    ],
  );
  if (rowCount === 1) {
    if (ticket.status === 'withdrawn') ticketPrices.forget(ticket.id);
    else ticketPrices.remember(ticket.id, { priceCents: ticket.price, sellerId: ticket.userId });
    return 'applied';
  }
  const current = await pool.query<{ version: number }>('SELECT version FROM tickets WHERE id = $1', [ticket.id]);
  const outcome = versionRule(current.rows[0]?.version, ticket.version);
  // The UPDATE did not apply it, so 'apply' means the replica moved on meanwhile: try again later.
  return outcome === 'apply' ? 'future' : outcome;
}
