import { randomUUID } from 'node:crypto';
import { Batcher, makeEnvelope, queryKeepingConnection, recordInStatement, type Pool } from '@microtick/common';
import { heldTickets, type HeldTickets } from './held-tickets';
import { ticketPrices, type KnownTicket, type TicketPrices } from './ticket-prices';
import { placementOutcome } from '../rules';
import type { OrderRecord } from './orders';

export interface OrderRequest {
  userId: string;
  ticketId: string;
  expiresAt: Date;
}

export type PlaceOrderResult =
  | { outcome: 'placed'; order: OrderRecord }
  | { outcome: 'unknown ticket' }
  | { outcome: 'own ticket' }
  | { outcome: 'event started' }
  | { outcome: 'reserved' }
  /** The buyer already holds `maxOpenOrders` open orders. */
  | { outcome: 'too many holds' }
  /** The buyer let this ticket go (cancelled or expired) less than `reorderCooldownSeconds` ago. */
  | { outcome: 'cooling down' };

export interface HoldLimits {
  maxOpenOrders: number;
  reorderCooldownSeconds: number;
}

export const DEFAULT_HOLD_LIMITS: HoldLimits = { maxOpenOrders: 5, reorderCooldownSeconds: 60 };

/** The replica's price and seller of each ticket on sale (a withdrawn one is not), for the events of a batch. */
const READ_PRICES = `SELECT id, price_cents, user_id FROM tickets WHERE id = ANY($1::uuid[]) AND status <> 'withdrawn'`;

/**
 * Reads the tickets, inserts each order at the price its order.created carries unless the buyer is the
 * seller, and inserts the outbox row of each order placed: one statement and one commit for the whole
 * batch. A ticket repriced since the batch read its price is not placed (its request is tried again).
 *
 * The partial unique index decides who gets a ticket (ON CONFLICT DO NOTHING: a second open or
 * complete order for a ticket is not inserted, also when it waited for another transaction holding
 * that ticket to commit). Within a batch the earlier request wins. Rows go in ticket order, the same in
 * every batch, so two batches waiting on each other's tickets cannot deadlock.
 *
 * Each buyer's count of open orders goes up in the same statement (buyer_holds, in buyer order after
 * every ticket); its CHECK refuses the whole batch if one buyer would pass the cap, and the placer then
 * tries that batch's orders one by one, so only the orders past the cap fail. A buyer who let the ticket
 * go less than the cool-down ago is not placed.
 */
const PLACE_ORDERS = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::int[], $6::uuid[], $7::jsonb[])
      WITH ORDINALITY AS i (order_id, user_id, ticket_id, expires_at, event_price_cents, event_id, envelope, n)
  ), candidate AS (
    -- A withdrawn ticket is not for sale at all: it reads as unknown.
    SELECT i.*, t.title, t.price_cents, t.venue, t.starts_at_given, t.user_id AS seller_id,
      coalesce(t.starts_at <= now(), false) AS started, t.price_cents <> i.event_price_cents AS repriced,
      EXISTS (
        SELECT 1 FROM orders o
        WHERE o.user_id = i.user_id AND o.ticket_id = i.ticket_id AND o.status = 'cancelled'
          AND o.closed_at > clock_timestamp() - $10 * interval '1 second'
      ) AS cooling
    FROM input i LEFT JOIN tickets t ON t.id = i.ticket_id AND t.status <> 'withdrawn'
  ), placed AS (
    INSERT INTO orders (id, user_id, ticket_id, ticket_price_cents, ticket_title, ticket_venue, ticket_starts_at,
      status, expires_at, version)
    SELECT order_id, user_id, ticket_id, price_cents, title, venue, starts_at_given, 'created', expires_at, 0
    FROM candidate
    WHERE price_cents IS NOT NULL AND NOT repriced AND seller_id <> user_id AND NOT started AND NOT cooling
    ORDER BY ticket_id, n
    ON CONFLICT (ticket_id) WHERE status IN ('created', 'complete') DO NOTHING
    RETURNING id, user_id, created_at
  ), held AS (
    INSERT INTO buyer_holds (user_id, open_orders, hold_cap)
    SELECT user_id, count(*), $9 FROM placed GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE
      SET open_orders = buyer_holds.open_orders + excluded.open_orders, hold_cap = excluded.hold_cap
  ), recorded AS (
    INSERT INTO outbox (id, subject, envelope)
    SELECT c.event_id, $8, c.envelope FROM candidate c JOIN placed p ON p.id = c.order_id ORDER BY c.n
  )
  SELECT c.n::int, c.title, c.price_cents, c.venue, c.starts_at_given, c.seller_id, c.started, c.cooling,
    coalesce(c.repriced, false) AS repriced, p.id IS NOT NULL AS placed, p.created_at
  FROM candidate c LEFT JOIN placed p ON p.id = c.order_id`;

interface ResultRow {
  n: number;
  title: string | null;
  price_cents: number | null;
  venue: string | null;
  starts_at_given: string | null;
  seller_id: string | null;
  started: boolean;
  cooling: boolean;
  repriced: boolean;
  placed: boolean;
  created_at: Date | null;
}

/**
 * Places orders and records order.created for each, in batches (Batcher in common): under load one
 * round trip and one commit serve many orders; when the service is quiet a batch is a single order.
 * Sending each order on its own cost half the throughput; one batch in flight did better than two,
 * four or eight: the bigger the batches, the less each order costs (measured, docs/performance.md).
 */
export class OrderPlacer {
  private readonly batcher: Batcher<OrderRequest, PlaceOrderResult>;

  constructor(
    pool: Pool,
    options = { maxInFlight: 1, maxBatch: 200 },
    limits = DEFAULT_HOLD_LIMITS,
    private readonly held: HeldTickets = heldTickets,
    prices: TicketPrices = ticketPrices,
  ) {
    this.batcher = new Batcher((requests) => placeOrders(pool, requests, limits, held, prices), options);
  }

  /**
   * A ticket the database said is held a moment ago is refused from memory (HeldTickets); every other
   * request goes to the database, which alone decides who gets a ticket.
   */
  place(request: OrderRequest): Promise<PlaceOrderResult> {
    if (this.held.refuses(request.ticketId, request.userId)) return Promise.resolve({ outcome: 'reserved' });
    return this.batcher.submit(request);
  }
}

function pastTheCap(err: unknown): boolean {
  const { code, constraint } = err as { code?: string; constraint?: string };
  return code === '23514' && constraint === 'buyer_holds_within_cap';
}

/**
 * The price and seller of each ticket of a batch: from `prices` where this process knows them, the others
 * in one read (and remembered). A ticket not on sale (unknown, or withdrawn) is not in the result.
 */
async function ticketsOf(pool: Pool, ticketIds: string[], prices?: TicketPrices): Promise<Map<string, KnownTicket>> {
  const found = new Map<string, KnownTicket>();
  const unknown: string[] = [];
  for (const id of ticketIds) {
    const known = prices?.get(id);
    if (known) found.set(id, known);
    else unknown.push(id);
  }
  if (unknown.length === 0) return found;
  const { rows } = await queryKeepingConnection<{ id: string; price_cents: number; user_id: string }>(pool, {
    name: 'read-prices',
    text: READ_PRICES,
    values: [unknown],
  });
  for (const row of rows) {
    const ticket = { priceCents: row.price_cents, sellerId: row.user_id };
    found.set(row.id, ticket);
    prices?.remember(row.id, ticket);
  }
  return found;
}

/**
 * One statement for the whole batch, after reading the prices of its tickets this process does not know
 * (`prices`; without it, all of them); results in the order of `requests`. A batch that would take a buyer
 * past the cap throws; a single order that would answers 'too many holds'. Each ticket the statement found
 * held (placed now, or reserved already) is told to `held`.
 */
export async function placeOrders(
  pool: Pool,
  requests: OrderRequest[],
  limits = DEFAULT_HOLD_LIMITS,
  held?: HeldTickets,
  prices?: TicketPrices,
): Promise<PlaceOrderResult[]> {
  const mark = held?.mark() ?? 0;
  const onSaleTickets = await ticketsOf(
    pool,
    requests.map((r) => r.ticketId),
    prices,
  );
  // A ticket not on sale gets no order: only the others go to the statement, each with its complete event.
  const placing = requests.map((request) => {
    const ticket = onSaleTickets.get(request.ticketId);
    if (ticket === undefined) return undefined;
    const priceCents = ticket.priceCents;
    const orderId = randomUUID();
    const event = makeEnvelope('order.created', {
      id: orderId,
      userId: request.userId,
      status: 'created',
      expiresAt: request.expiresAt.toISOString(),
      ticket: { id: request.ticketId, price: priceCents, sellerId: ticket.sellerId },
      version: 0,
    });
    return { request, orderId, priceCents, event };
  });
  const onSale = placing.filter((p) => p !== undefined);
  let rows: ResultRow[] = [];
  try {
    if (onSale.length > 0) {
      ({ rows } = await recordInStatement(
        onSale.map((o) => o.event),
        (outbox) =>
          queryKeepingConnection<ResultRow>(pool, {
            name: 'place-orders',
            text: PLACE_ORDERS,
            values: [
              onSale.map((o) => o.orderId),
              onSale.map((o) => o.request.userId),
              onSale.map((o) => o.request.ticketId),
              onSale.map((o) => o.request.expiresAt),
              onSale.map((o) => o.priceCents),
              outbox.ids,
              outbox.envelopes,
              'order.created',
              limits.maxOpenOrders,
              limits.reorderCooldownSeconds,
            ],
          }),
      ));
    }
  } catch (err) {
    if (requests.length === 1 && pastTheCap(err)) return [{ outcome: 'too many holds' }];
    throw err;
  }
  const rowOf = new Map(rows.map((row) => [onSale[row.n - 1].orderId, row]));
  return Promise.all(
    requests.map(async (request, i): Promise<PlaceOrderResult> => {
      const orderId = placing[i]?.orderId;
      const row = orderId === undefined ? undefined : rowOf.get(orderId);
      if (row?.repriced) {
        // The price this process knew (or read) is not the replica's any more: read it again.
        prices?.forget(request.ticketId);
        return (await placeOrders(pool, [request], limits, held, prices))[0];
      }
      const known = row && row.price_cents !== null && row.title !== null && row.seller_id !== null;
      const outcome = placementOutcome({
        ticket: known ? { sellerId: row.seller_id! } : undefined,
        buyerId: request.userId,
        eventStarted: row?.started ?? false,
        coolingDown: row?.cooling ?? false,
        inserted: row?.placed ?? false,
      });
      if (outcome === 'placed' || outcome === 'reserved') held?.held(request.ticketId, row!.seller_id!, mark);
      if (outcome !== 'placed') return { outcome };
      return {
        outcome: 'placed',
        order: {
          id: orderId!,
          userId: request.userId,
          status: 'created',
          expiresAt: request.expiresAt,
          createdAt: row!.created_at ?? new Date(),
          version: 0,
          ticket: {
            id: request.ticketId,
            title: row!.title!,
            priceCents: row!.price_cents!,
            venue: row!.venue,
            startsAt: row!.starts_at_given,
          },
          cancelReason: null,
          cancelRequestedAt: null,
        },
      };
    }),
  );
}
