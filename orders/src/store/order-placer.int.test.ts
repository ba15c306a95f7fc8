import { randomUUID } from 'node:crypto';
import { eventSchemas, withTransaction, type Pool } from '@microtick/common';
import { testDatabase } from '@microtick/devstack';
import { outboxEventsFor, seedTicket } from '../testing/orders-under-test';
import { HeldTickets } from './held-tickets';
import { migrationsDir } from './migrations';
import { lockOrder, transitionOrder } from './orders';
import { placementOutcome } from '../rules';
import { OrderPlacer, placeOrders, type OrderRequest, type PlaceOrderResult } from './order-placer';
import { TicketPrices } from './ticket-prices';

const inAMinute = () => new Date(Date.now() + 60_000);
const request = (ticketId: string, userId: string = randomUUID()): OrderRequest => ({
  userId,
  ticketId,
  expiresAt: inAMinute(),
});

/** The pool, except that a seller's new price reaches the replica just after a batch has read the prices. */
function repricedAfterTheRead(pool: Pool, ticketId: string, priceCents: number): Pool {
  let repriced = false;
  const bound = <T extends object>(target: T, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  return new Proxy(pool, {
    get: (target, prop) =>
      prop !== 'connect'
        ? bound(target, prop)
        : async () => {
            const client = await target.connect();
            return new Proxy(client, {
              get: (c, p) =>
                p !== 'query'
                  ? bound(c, p)
                  : async (query: { name?: string }) => {
                      const result = await c.query(query as never);
                      if (query.name === 'read-prices' && !repriced) {
                        repriced = true;
                        await target.query('UPDATE tickets SET price_cents = $2 WHERE id = $1', [ticketId, priceCents]);
                      }
                      return result;
                    },
            });
          },
  });
}

describe('OrderPlacer', () => {
  const db = testDatabase([migrationsDir], { each: 'test' });

  const orderRows = async (ticketId: string) =>
    (await db.pool.query<{ id: string }>('SELECT id FROM orders WHERE ticket_id = $1', [ticketId])).rows;

  // The fast path (many orders in one statement) and the fallback (each order on its own, after a batch
  // failed) come to the same outcomes, and both agree with the placement rule.
  it.each(['in one batch', 'one at a time'] as const)('places orders by the placement rule %s', async (path) => {
    const buyer = randomUUID();
    const [free, own, taken] = await Promise.all([
      seedTicket(db.pool),
      seedTicket(db.pool, { userId: buyer }),
      seedTicket(db.pool),
    ]);
    await placeOrders(db.pool, [request(taken.id)]);
    const unknownId = randomUUID();
    const cases = [
      { ticketId: free.id, sellerId: free.userId, expected: 'placed' },
      { ticketId: unknownId, sellerId: undefined, expected: 'unknown ticket' },
      { ticketId: own.id, sellerId: buyer, expected: 'own ticket' },
      { ticketId: taken.id, sellerId: taken.userId, expected: 'reserved' },
    ] as const;
    const requests = cases.map((c) => request(c.ticketId, buyer));
    const results =
      path === 'in one batch'
        ? await placeOrders(db.pool, requests)
        : await Promise.all(requests.map(async (r) => (await placeOrders(db.pool, [r]))[0]));
    expect(results.map((r) => r.outcome)).toEqual(cases.map((c) => c.expected));
    for (const c of cases) {
      const ticket = c.sellerId ? { sellerId: c.sellerId } : undefined;
      expect(placementOutcome({ ticket, buyerId: buyer, inserted: c.expected === 'placed' })).toBe(c.expected);
    }
  });

  it('answers each request of one batch with its own outcome', async () => {
    const seller = randomUUID();
    const [free, own, taken] = await Promise.all([
      seedTicket(db.pool, { price: 1500 }),
      seedTicket(db.pool, { userId: seller }),
      seedTicket(db.pool),
    ]);
    const placer = new OrderPlacer(db.pool, { maxInFlight: 1, maxBatch: 10 });
    await placer.place(request(taken.id));

    // While the first batch is in flight, these wait and go together in the next one.
    const results = await Promise.all([
      placer.place(request(free.id)),
      placer.place(request(randomUUID())),
      placer.place(request(own.id, seller)),
      placer.place(request(taken.id)),
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['placed', 'unknown ticket', 'own ticket', 'reserved']);
    const placed = results[0] as Extract<PlaceOrderResult, { outcome: 'placed' }>;
    expect(placed.order.ticket).toEqual({
      id: free.id,
      title: free.title,
      priceCents: 1500,
      venue: null,
      startsAt: null,
    });
    expect(await orderRows(own.id)).toEqual([]);
    expect(await orderRows(taken.id)).toHaveLength(1);
  });

  it('records one order.created per placed order, at the replica price and naming the seller, valid against the catalog', async () => {
    const tickets = await Promise.all([seedTicket(db.pool, { price: 700 }), seedTicket(db.pool, { price: 900 })]);
    const placer = new OrderPlacer(db.pool, { maxInFlight: 1, maxBatch: 10 });
    const results = await Promise.all(tickets.map((t) => placer.place(request(t.id))));

    for (const [i, result] of results.entries()) {
      if (result.outcome !== 'placed') throw new Error(`not placed: ${result.outcome}`);
      const events = await outboxEventsFor(db.pool, result.order.id);
      expect(events).toHaveLength(1);
      expect(eventSchemas['order.created'].parse(events[0].data)).toMatchObject({
        id: result.order.id,
        ticket: { id: tickets[i].id, price: tickets[i].price, sellerId: tickets[i].userId },
      });
    }
  });

  it('places a ticket repriced after the batch read its price at the new price, in the order and its event', async () => {
    const ticket = await seedTicket(db.pool, { price: 700 });
    const [result] = await placeOrders(repricedAfterTheRead(db.pool, ticket.id, 900), [request(ticket.id)]);

    if (result.outcome !== 'placed') throw new Error(`not placed: ${result.outcome}`);
    expect(result.order.ticket.priceCents).toBe(900);
    const events = await outboxEventsFor(db.pool, result.order.id);
    expect(events.map((e) => e.data)).toMatchObject([{ ticket: { id: ticket.id, price: 900 } }]);
    expect(await orderRows(ticket.id)).toHaveLength(1);
  });

  it('builds the event of a ticket whose price this process knows without reading the prices', async () => {
    const ticket = await seedTicket(db.pool, { price: 700 });
    const prices = new TicketPrices();
    prices.remember(ticket.id, { priceCents: 700, sellerId: ticket.userId });
    // Had the batch read the prices, the replica would have moved to 900 meanwhile and the order with it.
    const [result] = await placeOrders(
      repricedAfterTheRead(db.pool, ticket.id, 900),
      [request(ticket.id)],
      undefined,
      undefined,
      prices,
    );

    if (result.outcome !== 'placed') throw new Error(`not placed: ${result.outcome}`);
    expect(result.order.ticket.priceCents).toBe(700);
    expect((await outboxEventsFor(db.pool, result.order.id)).map((e) => e.data)).toMatchObject([
      { ticket: { id: ticket.id, price: 700, sellerId: ticket.userId } },
    ]);
  });

  it("places a ticket whose remembered price is out of date at the replica's price, and remembers that one", async () => {
    const ticket = await seedTicket(db.pool, { price: 700 });
    const prices = new TicketPrices();
    prices.remember(ticket.id, { priceCents: 500, sellerId: ticket.userId }); // another replica applied 700

    const [result] = await placeOrders(db.pool, [request(ticket.id)], undefined, undefined, prices);

    if (result.outcome !== 'placed') throw new Error(`not placed: ${result.outcome}`);
    expect(result.order.ticket.priceCents).toBe(700);
    expect((await outboxEventsFor(db.pool, result.order.id)).map((e) => e.data)).toMatchObject([
      { ticket: { id: ticket.id, price: 700 } },
    ]);
    expect(prices.get(ticket.id)).toEqual({ priceCents: 700, sellerId: ticket.userId });
    expect(await orderRows(ticket.id)).toHaveLength(1);
  });

  it('gives a ticket wanted by 50 buyers at once to exactly one of them, the first in its batch', async () => {
    const ticket = await seedTicket(db.pool);
    const placer = new OrderPlacer(db.pool, { maxInFlight: 1, maxBatch: 200 });
    const blocker = await seedTicket(db.pool);
    const first = placer.place(request(blocker.id)); // holds the placer, so the 50 form one batch
    const buyers = Array.from({ length: 50 }, () => randomUUID());
    const results = await Promise.all(buyers.map((buyer) => placer.place(request(ticket.id, buyer))));
    await first;

    expect(results.map((r) => r.outcome)).toEqual(['placed', ...Array(49).fill('reserved')]);
    expect(await orderRows(ticket.id)).toHaveLength(1);
  });

  it('sells each ticket once when two service replicas order the same tickets in opposite orders', async () => {
    const tickets = await Promise.all(Array.from({ length: 30 }, () => seedTicket(db.pool)));
    const replicas = [new OrderPlacer(db.pool), new OrderPlacer(db.pool)];
    const [forward, backward] = await Promise.all([
      Promise.all(tickets.map((t) => replicas[0].place(request(t.id)))),
      Promise.all([...tickets].reverse().map((t) => replicas[1].place(request(t.id)))),
    ]);

    const placedPerTicket = tickets.map(
      (_, i) => [forward[i], backward[tickets.length - 1 - i]].filter((r) => r.outcome === 'placed').length,
    );
    expect(placedPerTicket).toEqual(tickets.map(() => 1));
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    expect(rows[0].n).toBe(tickets.length);
  });

  it('fails only the request that breaks a batch; the others in it are still placed', async () => {
    const tickets = await Promise.all([seedTicket(db.pool), seedTicket(db.pool)]);
    const placer = new OrderPlacer(db.pool, { maxInFlight: 1, maxBatch: 10 });
    const blocker = placer.place(request((await seedTicket(db.pool)).id));
    const results = await Promise.allSettled([
      placer.place(request(tickets[0].id)),
      placer.place(request('not-a-uuid')), // the statement refuses the whole batch for this one
      placer.place(request(tickets[1].id)),
    ]);
    await blocker;

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results.map((r) => r.status === 'fulfilled' && r.value.outcome)).toEqual(['placed', false, 'placed']);
  });

  describe('tickets it has just seen held', () => {
    /** The db.pool, counting the connections taken for statements. */
    const counting = () => {
      let taken = 0;
      const counted = new Proxy(db.pool, {
        get: (target, prop) => {
          if (prop === 'connect') taken += 1;
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return { pool: counted, taken: () => taken };
    };

    it('refuses the next buyers of a held ticket from memory, and sends its seller to the database', async () => {
      const ticket = await seedTicket(db.pool);
      const counted = counting();
      const placer = new OrderPlacer(counted.pool, undefined, undefined, new HeldTickets(60_000));
      expect((await placer.place(request(ticket.id))).outcome).toBe('placed');
      const afterFirst = counted.taken();

      const others = await Promise.all(Array.from({ length: 5 }, () => placer.place(request(ticket.id))));
      expect(others.map((r) => r.outcome)).toEqual(Array(5).fill('reserved'));
      expect(counted.taken()).toBe(afterFirst);

      expect((await placer.place(request(ticket.id, ticket.userId))).outcome).toBe('own ticket');
      expect(await orderRows(ticket.id)).toHaveLength(1);
    });

    it('learns a ticket held by an order placed elsewhere (another replica) from the database', async () => {
      const ticket = await seedTicket(db.pool);
      await placeOrders(db.pool, [request(ticket.id)]);
      const counted = counting();
      const placer = new OrderPlacer(counted.pool, undefined, undefined, new HeldTickets(60_000));
      expect((await placer.place(request(ticket.id))).outcome).toBe('reserved');
      const learned = counted.taken();
      expect((await placer.place(request(ticket.id))).outcome).toBe('reserved');
      expect(counted.taken()).toBe(learned);
    });

    it('asks the database again once an order of the ticket is cancelled here, and the next buyer gets it', async () => {
      const ticket = await seedTicket(db.pool);
      const placer = new OrderPlacer(db.pool); // the process's memory, which transitionOrder empties
      const first = await placer.place(request(ticket.id));
      if (first.outcome !== 'placed') throw new Error(`not placed: ${first.outcome}`);
      expect((await placer.place(request(ticket.id))).outcome).toBe('reserved');

      await withTransaction(db.pool, async (client) => {
        const order = await lockOrder(client, first.order.id);
        await transitionOrder(client, order!, { status: 'cancelled', reason: 'buyer' });
      });
      expect((await placer.place(request(ticket.id))).outcome).toBe('placed');
    });

    it('asks the database again once the memory has expired', async () => {
      const ticket = await seedTicket(db.pool);
      const counted = counting();
      const placer = new OrderPlacer(counted.pool, undefined, undefined, new HeldTickets(1));
      await placer.place(request(ticket.id));
      await new Promise((r) => setTimeout(r, 5));
      const before = counted.taken();
      expect((await placer.place(request(ticket.id))).outcome).toBe('reserved');
      expect(counted.taken()).toBeGreaterThan(before);
    });
  });
});
