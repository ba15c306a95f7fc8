import { randomUUID } from 'node:crypto';
import { makeEnvelope } from '@microtick/common';
import { aTicketUpdated, deliver, sessionCookie, testLogger } from '@microtick/devstack';
import request from 'supertest';
import { OrderPlacer } from './store/order-placer';
import { findOrder } from './store/orders';
import { paymentCreatedListener } from './events/payment-created';
import { paymentWindowClosedListener } from './events/payment-window-closed';
import { ticketUpdatedListener } from './events/ticket-updated';
import { cancelAsJudged, seedTicket, startOrdersUnderTest, type OrdersUnderTest } from './testing/orders-under-test';

/** Bounded holds (MAX_OPEN_ORDERS_PER_BUYER, the re-order cool-down) and orders keeping what was ordered. */
let orders: OrdersUnderTest;
let noCoolDown: OrdersUnderTest;
beforeAll(async () => {
  [orders, noCoolDown] = await Promise.all([
    startOrdersUnderTest(),
    startOrdersUnderTest({ ORDER_REORDER_COOLDOWN_SECONDS: '0' }),
  ]);
});
afterAll(() => Promise.all([orders.stop(), noCoolDown.stop()]));

const order = (service: OrdersUnderTest, cookie: string, ticketId: string) =>
  request(service.server).post('/api/orders').set('Cookie', cookie).send({ ticketId });
const cancel = async (service: OrdersUnderTest, cookie: string, orderId: string) =>
  expect((await cancelAsJudged(service, cookie, orderId)).status).toBe(204);

const openOrdersOf = async (service: OrdersUnderTest, userId: string) =>
  (
    await service.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE user_id = $1 AND status = 'created'",
      [userId],
    )
  ).rows[0].n;

describe('bounded holds', () => {
  it('places exactly 5 of 6 concurrent orders by one buyer and refuses the sixth with 409', async () => {
    const buyer = sessionCookie();
    const tickets = await Promise.all(Array.from({ length: 6 }, () => seedTicket(orders.pool)));
    const answers = await Promise.all(tickets.map((t) => order(orders, buyer.cookie, t.id)));

    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 409]);
    expect(answers.find((r) => r.status === 409)?.body).toEqual({
      errors: [{ message: 'You can hold at most 5 tickets at once' }],
    });
    expect(await openOrdersOf(orders, buyer.user.id)).toBe(5);
  });

  it('holds the cap when two service replicas place one buyer’s orders at the same time', async () => {
    const buyer = randomUUID();
    const tickets = await Promise.all(Array.from({ length: 12 }, () => seedTicket(orders.pool)));
    const replicas = [new OrderPlacer(orders.pool), new OrderPlacer(orders.pool)];
    const expiresAt = new Date(Date.now() + 60_000);
    const results = await Promise.all(
      tickets.map((t, i) => replicas[i % 2].place({ userId: buyer, ticketId: t.id, expiresAt })),
    );

    expect(results.filter((r) => r.outcome === 'placed')).toHaveLength(5);
    expect(results.filter((r) => r.outcome === 'too many holds')).toHaveLength(7);
    expect(await openOrdersOf(orders, buyer)).toBe(5);
  });

  it('gives a hold back when an order is cancelled, expires or completes', async () => {
    const buyer = sessionCookie();
    const tickets = await Promise.all(Array.from({ length: 9 }, () => seedTicket(orders.pool)));
    const placed = [];
    for (const t of tickets.slice(0, 5)) placed.push((await order(orders, buyer.cookie, t.id).expect(201)).body);
    await order(orders, buyer.cookie, tickets[5].id).expect(409);

    await cancel(orders, buyer.cookie, placed[0].id);
    await order(orders, buyer.cookie, tickets[5].id).expect(201);
    const closed = makeEnvelope('payment.window-closed', { orderId: placed[1].id, reason: 'expired' });
    await paymentWindowClosedListener(orders.pool, testLogger).onMessage(closed.data, closed);
    await order(orders, buyer.cookie, tickets[6].id).expect(201);
    const paid = makeEnvelope('payment.created', {
      id: randomUUID(),
      orderId: placed[2].id,
      amount: 2500,
      providerPaymentId: `pi_${randomUUID()}`,
    });
    await paymentCreatedListener(orders.pool, testLogger).onMessage(paid.data, paid);
    await order(orders, buyer.cookie, tickets[7].id).expect(201);
    await order(orders, buyer.cookie, tickets[8].id).expect(409);
    expect(await openOrdersOf(orders, buyer.user.id)).toBe(5);
  });

  it('refuses a buyer who re-orders a ticket they cancelled within the cool-down; another buyer may order it', async () => {
    const buyer = sessionCookie();
    const ticket = await seedTicket(orders.pool);
    const first = await order(orders, buyer.cookie, ticket.id).expect(201);
    await cancel(orders, buyer.cookie, first.body.id);

    const again = await order(orders, buyer.cookie, ticket.id).expect(409);
    expect(again.body).toEqual({
      errors: [{ message: 'You let this ticket go less than 60 seconds ago; try again later' }],
    });
    await order(orders, sessionCookie().cookie, ticket.id).expect(201);
  });

  it('refuses a re-order within the cool-down after the order expired too', async () => {
    const buyer = sessionCookie();
    const ticket = await seedTicket(orders.pool);
    const first = await order(orders, buyer.cookie, ticket.id).expect(201);
    const closed = makeEnvelope('payment.window-closed', { orderId: first.body.id, reason: 'expired' });
    await paymentWindowClosedListener(orders.pool, testLogger).onMessage(closed.data, closed);
    await order(orders, buyer.cookie, ticket.id).expect(409);
  });

  it('lets the buyer re-order at once when the cool-down is configured to 0', async () => {
    const buyer = sessionCookie();
    const ticket = await seedTicket(noCoolDown.pool);
    const first = await order(noCoolDown, buyer.cookie, ticket.id).expect(201);
    await cancel(noCoolDown, buyer.cookie, first.body.id);
    await order(noCoolDown, buyer.cookie, ticket.id).expect(201);
  });
});

describe('orders keep what was ordered', () => {
  it('shows the title, price and event the buyer ordered after an edit that raced the order reaches the replica', async () => {
    const event = { venue: 'Paradiso', startsAt: '2040-05-01T20:00:00+02:00' };
    const ticket = await seedTicket(orders.pool, { title: 'Front row', price: 1000, ...event });
    const buyer = sessionCookie();
    const placed = await order(orders, buyer.cookie, ticket.id).expect(201);
    // The seller's edit landed in tickets before it learnt of the order; its event arrives afterwards.
    await deliver(
      ticketUpdatedListener(orders.pool, testLogger),
      aTicketUpdated(ticket, {
        version: 1,
        title: 'Back row (changed)',
        price: 99900,
        venue: 'Elsewhere',
        startsAt: '2041-01-01T09:00:00-05:00',
      }),
    );

    const shown = await request(orders.server).get(`/api/orders/${placed.body.id}`).set('Cookie', buyer.cookie);
    expect(shown.body.ticket).toEqual({ id: ticket.id, title: 'Front row', price: 10, ...event });
    expect((await findOrder(orders.pool, placed.body.id))?.ticket.title).toBe('Front row');
  });
});
