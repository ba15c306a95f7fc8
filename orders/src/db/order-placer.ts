import { randomUUID } from 'node:crypto';
import { eventsCommitted, outboxRow, queryKeepingConnection, type Pool } from '@microtick/common';
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
  | { outcome: 'reserved' };

/** Stands in for the price in the events built here; the statement sets the replica's price. */
const PRICE_SET_IN_SQL = 1;

/**
 * Reads the tickets, inserts each order at its ticket's price unless the buyer is the seller, and
 * inserts an outbox row for each order placed: one statement and one commit for the whole batch.
 *
 * The partial unique index decides who gets a ticket (ON CONFLICT DO NOTHING: a second open or
 * complete order for a ticket is not inserted, also when it waited for another transaction holding
 * that ticket to commit). Within a batch the earlier request wins. Rows go in ticket order, the same in
 * every batch, so two batches waiting on each other's tickets cannot deadlock.
 */
const PLACE_ORDERS = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::uuid[], $6::jsonb[])
      WITH ORDINALITY AS i (order_id, user_id, ticket_id, expires_at, event_id, envelope, n)
  ), candidate AS (
    SELECT i.*, t.title, t.price, t.user_id AS seller_id
    FROM input i LEFT JOIN tickets t ON t.id = i.ticket_id
  ), placed AS (
    INSERT INTO orders (id, user_id, ticket_id, ticket_price, status, expires_at, version)
    SELECT order_id, user_id, ticket_id, price, 'created', expires_at, 0
    FROM candidate WHERE price IS NOT NULL AND seller_id <> user_id
    ORDER BY ticket_id, n
    ON CONFLICT (ticket_id) WHERE status IN ('created', 'complete') DO NOTHING
    RETURNING id, created_at
  ), recorded AS (
    INSERT INTO outbox (id, subject, envelope)
    SELECT c.event_id, $7, jsonb_set(c.envelope, '{data,ticket,price}', to_jsonb(c.price))
    FROM candidate c JOIN placed p ON p.id = c.order_id
    ORDER BY c.n
  )
  SELECT c.n::int, c.title, c.price, c.seller_id = c.user_id AS own, p.id IS NOT NULL AS placed, p.created_at
  FROM candidate c LEFT JOIN placed p ON p.id = c.order_id`;

interface ResultRow {
  n: number;
  title: string | null;
  price: number | null;
  own: boolean | null;
  placed: boolean;
  created_at: Date | null;
}

interface Waiting {
  request: OrderRequest;
  resolve: (result: PlaceOrderResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Places orders and records order.created for each. While `maxInFlight` batches are in flight, new
 * requests wait and go together in the next statement, so under load one round trip and one commit
 * serve many orders; when the service is quiet a batch is a single order and waits for nothing.
 * Sending each order on its own cost half the throughput; one batch in flight did better than two,
 * four or eight: the bigger the batches, the less each order costs (measured, docs/performance.md).
 */
export class OrderPlacer {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly pool: Pool,
    private readonly options = { maxInFlight: 1, maxBatch: 200 },
  ) {}

  place(request: OrderRequest): Promise<PlaceOrderResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.sendWaiting();
    });
  }

  private sendWaiting(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.settle(batch).finally(() => {
        this.inFlight -= 1;
        this.sendWaiting();
      });
    }
  }

  private async settle(batch: Waiting[]): Promise<void> {
    try {
      const results = await placeOrders(
        this.pool,
        batch.map((w) => w.request),
      );
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // Whatever failed the batch fails only the orders it belongs to: each is tried on its own.
      await Promise.all(
        batch.map((w) =>
          placeOrders(this.pool, [w.request]).then(
            ([result]) => w.resolve(result),
            (e: unknown) => w.reject(e),
          ),
        ),
      );
    }
  }
}

/** One statement for the whole batch; results in the order of `requests`. */
export async function placeOrders(pool: Pool, requests: OrderRequest[]): Promise<PlaceOrderResult[]> {
  const orderIds = requests.map(() => randomUUID());
  const events = requests.map((request, i) =>
    outboxRow('order.created', {
      id: orderIds[i],
      userId: request.userId,
      status: 'created',
      expiresAt: request.expiresAt.toISOString(),
      ticket: { id: request.ticketId, price: PRICE_SET_IN_SQL },
      version: 0,
    }),
  );
  const { rows } = await queryKeepingConnection<ResultRow>(pool, {
    name: 'place-orders',
    text: PLACE_ORDERS,
    values: [
      orderIds,
      requests.map((r) => r.userId),
      requests.map((r) => r.ticketId),
      requests.map((r) => r.expiresAt),
      events.map((e) => e.envelope.id),
      events.map((e) => e.values[2]),
      'order.created',
    ],
  });
  const byPosition = new Map(rows.map((row) => [row.n, row]));
  const results = requests.map((request, i): PlaceOrderResult => {
    const row = byPosition.get(i + 1);
    if (!row || row.price === null || row.title === null) return { outcome: 'unknown ticket' };
    if (row.own) return { outcome: 'own ticket' };
    if (!row.placed) return { outcome: 'reserved' };
    return {
      outcome: 'placed',
      order: {
        id: orderIds[i],
        userId: request.userId,
        status: 'created',
        expiresAt: request.expiresAt,
        createdAt: row.created_at ?? new Date(),
        version: 0,
        ticket: { id: request.ticketId, title: row.title, price: row.price },
        cancelReason: null,
      },
    };
  });
  if (results.some((r) => r.outcome === 'placed')) eventsCommitted();
  return results;
}
