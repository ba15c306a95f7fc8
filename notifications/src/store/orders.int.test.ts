import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { CLOSED_ORDERS_OF, closedOrdersOf } from './orders';

const db = testDatabase([migrationsDir]);

/** A ticket of `ticketSeller` and an order of it by `buyer`; `orderSeller` null as order.created carried before it named the seller. */
interface GivenOrder {
  buyer: string;
  ticketSeller: string;
  orderSeller: string | null;
  status: 'created' | 'cancelled' | 'complete';
}

async function givenOrder(o: GivenOrder) {
  const ticketId = randomUUID();
  const orderId = randomUUID();
  await db.pool.query(`INSERT INTO tickets (id, title, seller_id, version) VALUES ($1, 'Gig', $2, 0)`, [
    ticketId,
    o.ticketSeller,
  ]);
  await db.pool.query(
    `INSERT INTO orders (id, buyer_id, ticket_id, seller_id, price_cents, expires_at, status, version)
     VALUES ($1, $2, $3, $4, 1000, now(), $5, 0)`,
    [orderId, o.buyer, ticketId, o.orderSeller, o.status],
  );
  return orderId;
}

describe('closedOrdersOf: the closed orders whose emails may have waited for a new user', () => {
  const user = randomUUID();
  const other = randomUUID();
  const cases: [string, GivenOrder, boolean][] = [
    ['bought and completed', { buyer: user, ticketSeller: other, orderSeller: other, status: 'complete' }, true],
    ['bought and cancelled', { buyer: user, ticketSeller: other, orderSeller: other, status: 'cancelled' }, true],
    ['bought, still open', { buyer: user, ticketSeller: other, orderSeller: other, status: 'created' }, false],
    [
      'sold, the order names the seller',
      { buyer: other, ticketSeller: user, orderSeller: user, status: 'complete' },
      true,
    ],
    [
      'sold, an older order without a seller',
      { buyer: other, ticketSeller: user, orderSeller: null, status: 'complete' },
      true,
    ],
    ['sold, still open', { buyer: other, ticketSeller: user, orderSeller: null, status: 'created' }, false],
    ["someone else's order", { buyer: other, ticketSeller: other, orderSeller: other, status: 'complete' }, false],
    // The order's seller wins over the ticket's (a ticket's seller read later may be another account).
    [
      'the ticket is theirs, the order names another seller',
      { buyer: other, ticketSeller: user, orderSeller: other, status: 'complete' },
      false,
    ],
  ];
  const ids: string[] = [];
  beforeAll(async () => {
    for (const [, order] of cases) ids.push(await givenOrder(order));
  });

  it.each(cases.map(([name, , listed], i) => [name, listed, i] as const))('%s: listed %s', async (_name, listed, i) => {
    expect((await closedOrdersOf(db.pool, user)).includes(ids[i])).toBe(listed);
  });

  it('lists each order once', async () => {
    const found = await closedOrdersOf(db.pool, user);
    expect(new Set(found).size).toBe(found.length);
  });
});

it("reads a new user's few rows, not every order and ticket, at each sign-up", async () => {
  // A marketplace's history: two thousand closed orders of other people.
  await db.pool.query(
    `WITH t AS (
       INSERT INTO tickets (id, title, seller_id, version)
       SELECT gen_random_uuid(), 'Gig', gen_random_uuid(), 0 FROM generate_series(1, 2000)
       RETURNING id, seller_id
     )
     INSERT INTO orders (id, buyer_id, ticket_id, seller_id, price_cents, expires_at, status, version)
     SELECT gen_random_uuid(), gen_random_uuid(), t.id, NULL, 1000, now(), 'complete', 0 FROM t`,
  );
  await db.pool.query('ANALYZE tickets');
  await db.pool.query('ANALYZE orders');
  const read = await rowsRead(db.pool, CLOSED_ORDERS_OF, [randomUUID()]);
  expect(read.orders ?? 0).toBeLessThan(100);
  expect(read.tickets ?? 0).toBeLessThan(100);
});
