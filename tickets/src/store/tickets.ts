import { plannedWithValues, type Pool, type PoolClient, type TicketStatus } from '@microtick/common';
import { formatEventTime, parseEventTime } from './event-time';

type Queryable = Pool | PoolClient;

export interface Ticket {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  version: number;
  status: TicketStatus;
  orderId: string | null;
  venue: string | null;
  /** ISO-8601 with the offset the seller gave. */
  startsAt: string | null;
  seat: string | null;
}

export type TicketDetails = Pick<Ticket, 'title' | 'priceCents' | 'venue' | 'startsAt' | 'seat'>;

export type ListSort = 'newest' | 'startsAt' | 'price';

/**
 * Where a page of the list ends: the last ticket's sort key and id. The key is the creation time or the
 * start time in microseconds, or the price in cents; null for a ticket without a start time (listed last).
 */
export interface ListPosition {
  sort: ListSort;
  key: number | null;
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
  venue: string | null;
  starts_at: Date | null;
  starts_at_offset_minutes: number | null;
  seat: string | null;
}

const COLUMNS =
  'id, title, price_cents, user_id, version, status, order_id, venue, starts_at, starts_at_offset_minutes, seat';

const toTicket = (row: TicketRow): Ticket => ({
  id: row.id,
  title: row.title,
  priceCents: row.price_cents,
  userId: row.user_id,
  version: row.version,
  status: row.status,
  orderId: row.order_id,
  venue: row.venue,
  startsAt:
    row.starts_at === null
      ? null
      : formatEventTime({ at: row.starts_at, offsetMinutes: row.starts_at_offset_minutes! }),
  seat: row.seat,
});

/** The start as the two columns store it. */
const startsAtParams = (startsAt: string | null) => {
  if (startsAt === null) return [null, null];
  const { at, offsetMinutes } = parseEventTime(startsAt);
  return [at, offsetMinutes];
};

export async function insertTicket(client: Queryable, ticket: TicketDetails & Pick<Ticket, 'userId'>): Promise<Ticket> {
  const { rows } = await client.query<TicketRow>(
    `INSERT INTO tickets (title, price_cents, user_id, venue, starts_at, starts_at_offset_minutes, seat)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [ticket.title, ticket.priceCents, ticket.userId, ticket.venue, ...startsAtParams(ticket.startsAt), ticket.seat],
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
    `UPDATE tickets SET title = $3, price_cents = $4, status = $5, order_id = $6, venue = $7, starts_at = $8,
       starts_at_offset_minutes = $9, seat = $10, version = version + 1,
       event_started = coalesce($8::timestamptz <= now(), false)
     WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [
      ticket.id,
      ticket.version,
      ticket.title,
      ticket.priceCents,
      ticket.status,
      ticket.orderId,
      ticket.venue,
      ...startsAtParams(ticket.startsAt),
      ticket.seat,
    ],
  );
  return rows[0] && toTicket(rows[0]);
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');

/**
 * A trigram is three characters, so a shorter search gives the trigram index nothing to look up and
 * PostgreSQL read every ticket on sale to answer it. A short search therefore finds the words that start
 * with it ("u2" finds "U2 at the O2", "at" finds "at the" but not "Beatles"): pg_trgm reads a start of a
 * word as padding, so the same index answers it. Characters other than letters and digits are escaped
 * after folding, which can turn a character such as "©" into "(c)".
 */
const SHORT_SEARCH = 3;

function searchCondition(search: string, param: (value: unknown) => string): string {
  if ([...search].length < SHORT_SEARCH) {
    const escaped = `regexp_replace(fold_for_search(${param(search)}), '[^[:alnum:][:space:]]', '\\\\\\&', 'g')`;
    return `search_text ~ ('(^|[[:space:]])' || ${escaped})`;
  }
  return `search_text LIKE '%' || fold_for_search(${param(escapeLike(search))}) || '%'`;
}

const micros = (expression: string) => `(extract(epoch FROM ${expression}) * 1000000)::bigint`;
const fromMicros = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;

/** Each order of the list: its sort key (as the cursor stores it), ORDER BY, and the rows after a position. */
const orders: Record<
  Exclude<ListSort, 'startsAt'>,
  { key: string; orderBy: string; after: (key: string, id: string) => string }
> = {
  newest: {
    key: micros('created_at'),
    orderBy: 'created_at DESC, id DESC',
    after: (key, id) => `(created_at, id) < (${fromMicros(key)}, ${id}::uuid)`,
  },
  price: {
    key: 'price_cents::bigint',
    orderBy: 'price_cents, id',
    after: (key, id) => `(price_cents, id) > (${key}::int, ${id}::uuid)`,
  },
};

export interface ListOptions {
  search?: string;
  sort: ListSort;
  /** Only tickets whose event starts within [from, to]. */
  from?: Date;
  to?: Date;
  limit: number;
  after?: ListPosition;
}

/**
 * The statement of one page of the list (one row more than the page, to know whether another follows).
 * Soonest first is two ranges of the (starts_at, id) index read in order, each stopping at a page: events
 * still to come, then the tickets without a start. As one condition, "no start, or a start to come",
 * PostgreSQL gathered every ticket on sale and sorted them all for each page.
 */
export function listQuery(options: ListOptions): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  // `NOT event_started` names the list's indexes; the start is still compared with now() for the tickets
  // whose event started since the last sweep.
  const common = ["status = 'available'", 'NOT event_started'];
  if (options.search) common.push(searchCondition(options.search, param));
  if (options.from) common.push(`starts_at >= ${param(options.from)}`);
  if (options.to) common.push(`starts_at <= ${param(options.to)}`);
  const where = (conditions: string[]) => [...common, ...conditions].join(' AND ');

  if (options.sort === 'startsAt') {
    const after = options.after;
    const limit = param(options.limit + 1);
    const toCome = ['starts_at > now()'];
    const withoutStart = ['starts_at IS NULL'];
    if (after && after.key !== null) {
      toCome.push(`(starts_at, id) > (${fromMicros(param(after.key))}, ${param(after.id)}::uuid)`);
    } else if (after) {
      toCome.push('false');
      withoutStart.push(`id > ${param(after.id)}::uuid`);
    }
    const key = micros('starts_at');
    return {
      text: `(SELECT ${COLUMNS}, ${key} AS sort_key FROM tickets WHERE ${where(toCome)} ORDER BY starts_at, id LIMIT ${limit})
             UNION ALL
             (SELECT ${COLUMNS}, NULL::bigint AS sort_key FROM tickets WHERE ${where(withoutStart)} ORDER BY id LIMIT ${limit})
             ORDER BY starts_at NULLS LAST, id LIMIT ${limit}`,
      values,
    };
  }
  const order = orders[options.sort];
  const conditions = ['(starts_at IS NULL OR starts_at > now())'];
  if (options.after) conditions.push(order.after(param(options.after.key), param(options.after.id)));
  return {
    text: `SELECT ${COLUMNS}, ${order.key} AS sort_key FROM tickets WHERE ${where(conditions)}
           ORDER BY ${order.orderBy} LIMIT ${param(options.limit + 1)}`,
    values,
  };
}

/**
 * One page of the tickets for sale: available, and not for an event that has already started. `search`
 * matches title or venue, ignoring case and accents.
 */
export async function listAvailableTickets(
  pool: Pool,
  options: ListOptions,
): Promise<{ tickets: Ticket[]; next?: ListPosition }> {
  // A search's plan depends on its words (a rare one wants the trigram index, a common one the list's order).
  const query = options.search ? plannedWithValues(listQuery(options)) : listQuery(options);
  const { rows } = await pool.query<TicketRow & { sort_key: string | null }>(query);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > options.limit
      ? { sort: options.sort, key: last.sort_key === null ? null : Number(last.sort_key), id: last.id }
      : undefined;
  return { tickets: page.map(toTicket), next };
}

export async function listTicketsBySeller(pool: Pool, userId: string): Promise<Ticket[]> {
  const { rows } = await pool.query<TicketRow>(
    `SELECT ${COLUMNS} FROM tickets WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return rows.map(toTicket);
}
