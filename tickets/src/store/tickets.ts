import type { Pool, PoolClient, TicketStatus } from '@microtick/common';

type Queryable = Pool | PoolClient;

export interface Ticket {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  version: number;
  status: TicketStatus;
  orderId: string | null;
}

/** Where a page of the newest-first list ends: the last ticket's creation time (microseconds) and id. */
export interface ListPosition {
  createdAtMicros: number;
  id: string;
}

interface TicketRow {
  id: string;
  title: string;
  price_cents: number;
  user_id: string;
  version: number;
  status: TicketStatus;
  order_id: string | null;
}

const COLUMNS = 'id, title, price_cents, user_id, version, status, order_id';

const toTicket = (row: TicketRow): Ticket => ({
  id: row.id,
  title: row.title,
  priceCents: row.price_cents,
  userId: row.user_id,
  version: row.version,
  status: row.status,
  orderId: row.order_id,
});

export async function insertTicket(
  client: Queryable,
  ticket: Pick<Ticket, 'title' | 'priceCents' | 'userId'>,
): Promise<Ticket> {
  const { rows } = await client.query<TicketRow>(
    `INSERT INTO tickets (title, price_cents, user_id) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
    [ticket.title, ticket.priceCents, ticket.userId],
  );
  return toTicket(rows[0]);
}

export async function findTicket(client: Queryable, id: string): Promise<Ticket | undefined> {
  const { rows } = await client.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
  return rows[0] && toTicket(rows[0]);
}

/**
 * Reads and locks the ticket until the transaction ends. Order listeners of different subjects run
 * concurrently: holding the row makes each one see the other's committed effect (a cancellation
 * recorded by one is visible to the reservation waiting on the lock), instead of both deciding on stale reads.
 */
export async function lockTicket(client: Queryable, id: string): Promise<Ticket | undefined> {
  const { rows } = await client.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] && toTicket(rows[0]);
}

/**
 * Writes the ticket's fields if nobody changed it since it was read (its version is still
 * `ticket.version`) and bumps the version. Returns the stored ticket, or undefined on a lost race.
 */
export async function updateTicketIfVersion(client: Queryable, ticket: Ticket): Promise<Ticket | undefined> {
  const { rows } = await client.query<TicketRow>(
    `UPDATE tickets SET title = $3, price_cents = $4, status = $5, order_id = $6, version = version + 1
     WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [ticket.id, ticket.version, ticket.title, ticket.priceCents, ticket.status, ticket.orderId],
  );
  return rows[0] && toTicket(rows[0]);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/** One page of available tickets, newest first, optionally only those whose title contains `search`. */
export async function listAvailableTickets(
  pool: Pool,
  options: { search?: string; limit: number; after?: ListPosition },
): Promise<{ tickets: Ticket[]; next?: ListPosition }> {
  const conditions = ["status = 'available'"];
  const params: unknown[] = [];
  if (options.search) {
    params.push(`%${escapeLike(options.search)}%`);
    conditions.push(`title ILIKE $${params.length}`);
  }
  if (options.after) {
    params.push(options.after.createdAtMicros, options.after.id);
    conditions.push(
      `(created_at, id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`,
    );
  }
  params.push(options.limit + 1);
  const { rows } = await pool.query<TicketRow & { created_at_micros: number }>(
    `SELECT ${COLUMNS}, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_micros
     FROM tickets WHERE ${conditions.join(' AND ')}
     ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  const next = rows.length > options.limit ? { createdAtMicros: last.created_at_micros, id: last.id } : undefined;
  return { tickets: page.map(toTicket), next };
}

export async function listTicketsBySeller(pool: Pool, userId: string): Promise<Ticket[]> {
  const { rows } = await pool.query<TicketRow>(
    `SELECT ${COLUMNS} FROM tickets WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return rows.map(toTicket);
}
