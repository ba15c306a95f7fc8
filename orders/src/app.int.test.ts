import { randomUUID } from 'node:crypto';
import { parseEnvelope } from '@microtick/common';
import { deliver, eventually, sessionCookie, testLogger } from '@microtick/devstack';
import request from 'supertest';
import {
  cancelAsJudged,
  cancellationRequestsFor,
  firstUpdateOf,
  outboxEventsFor,
  placeOrder,
  seedTicket,
  startOrdersUnderTest,
  type OrdersUnderTest,
} from './testing/orders-under-test';
import { paymentCreatedListener } from './events/payment-created';
import { findOrder } from './store/orders';

let orders: OrdersUnderTest;
/** Waits only 300 ms for payments' verdict on a cancel, which these tests never send. */
let impatient: OrdersUnderTest;
beforeAll(async () => {
  [orders, impatient] = await Promise.all([
    startOrdersUnderTest(),
    startOrdersUnderTest({}, { cancelVerdictWaitMs: 300 }),
  ]);
});
afterAll(() => Promise.all([orders.stop(), impatient.stop()]));

const api = () => request(orders.server);
const countOrders = async (ticketId: string) =>
  (await orders.pool.query('SELECT count(*)::int AS n FROM orders WHERE ticket_id = $1', [ticketId])).rows[0]
    .n as number;

async function markComplete(orderId: string) {
  await orders.pool.query("UPDATE orders SET status = 'complete', version = version + 1 WHERE id = $1", [orderId]);
}

describe('POST /api/orders', () => {
  it('creates an open order for 15 minutes, answers 201 with the order and records order.created', async () => {
    const buyer = sessionCookie();
    const ticket = await seedTicket(orders.pool, { title: 'Opera night', price: 4999 });
    const before = Date.now();
    const res = await api().post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: ticket.id }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      userId: buyer.user.id,
      status: 'created',
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
      ticket: { id: ticket.id, title: 'Opera night', price: 49.99, venue: null, startsAt: null },
      version: 0,
      cancelReason: null,
    });
    const shown = await api().get(`/api/orders/${res.body.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body.createdAt).toBe(res.body.createdAt);
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const events = await outboxEventsFor(orders.pool, res.body.id);
    expect(events).toEqual([
      expect.objectContaining({
        subject: 'order.created',
        data: {
          id: res.body.id,
          userId: buyer.user.id,
          status: 'created',
          expiresAt: res.body.expiresAt,
          ticket: { id: ticket.id, price: 4999, sellerId: ticket.userId },
          version: 0,
        },
      }),
    ]);
    expect(parseEnvelope(events[0], 'order.created').data.ticket).toEqual({
      id: ticket.id,
      price: 4999,
      sellerId: ticket.userId,
    });
  });

  it('sets expiresAt from ORDER_EXPIRATION_SECONDS', async () => {
    const shortLived = await startOrdersUnderTest({ ORDER_EXPIRATION_SECONDS: '60' });
    try {
      const ticket = await seedTicket(shortLived.pool);
      const before = Date.now();
      const res = await request(shortLived.server)
        .post('/api/orders')
        .set('Cookie', sessionCookie().cookie)
        .send({ ticketId: ticket.id })
        .expect(201);
      expect(Date.parse(res.body.expiresAt)).toBeGreaterThanOrEqual(before + 60_000);
      expect(Date.parse(res.body.expiresAt)).toBeLessThan(before + 120_000);
    } finally {
      await shortLived.stop();
    }
  });

  it('rejects a signed-out request with 401 and creates nothing', async () => {
    const ticket = await seedTicket(orders.pool);
    const res = await api().post('/api/orders').send({ ticketId: ticket.id }).expect(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not signed in' }] });
    expect(await countOrders(ticket.id)).toBe(0);
  });

  it.each([[{}], [{ ticketId: 'not-a-uuid' }], [{ ticketId: 42 }], [{ ticketId: null }], [{ ticketId: '' }]])(
    'rejects %j with 400 naming the field ticketId',
    async (body) => {
      const res = await api().post('/api/orders').set('Cookie', sessionCookie().cookie).send(body).expect(400);
      expect(res.body).toEqual({ errors: [{ message: expect.any(String), field: 'ticketId' }] });
    },
  );

  it('rejects an unknown ticket with 404 and creates nothing', async () => {
    const buyer = sessionCookie();
    const res = await api()
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: randomUUID() })
      .expect(404);
    expect(res.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
    expect(await orders.pool.query('SELECT 1 FROM orders WHERE user_id = $1', [buyer.user.id])).toHaveProperty(
      'rowCount',
      0,
    );
  });

  it("rejects the buyer's own ticket with 403 and creates nothing", async () => {
    const seller = sessionCookie();
    const ticket = await seedTicket(orders.pool, { userId: seller.user.id });
    const res = await api().post('/api/orders').set('Cookie', seller.cookie).send({ ticketId: ticket.id }).expect(403);
    expect(res.body).toEqual({ errors: [{ message: 'You cannot order your own ticket' }] });
    expect(await countOrders(ticket.id)).toBe(0);
    const { rows } = await orders.pool.query("SELECT 1 FROM outbox WHERE envelope->'data'->'ticket'->>'id' = $1", [
      ticket.id,
    ]);
    expect(rows).toEqual([]);
  });

  it('rejects an order for a reserved ticket with 409 and records no event', async () => {
    const { ticket } = await placeOrder(orders);
    const res = await api()
      .post('/api/orders')
      .set('Cookie', sessionCookie().cookie)
      .send({ ticketId: ticket.id })
      .expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
    expect(await countOrders(ticket.id)).toBe(1);
    const { rows } = await orders.pool.query(
      "SELECT count(*)::int AS n FROM outbox WHERE subject = 'order.created' AND envelope->'data'->'ticket'->>'id' = $1",
      [ticket.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('rejects an order for a sold ticket (its order is complete) with 409', async () => {
    const { ticket, order } = await placeOrder(orders);
    await markComplete(order.id);
    await api().post('/api/orders').set('Cookie', sessionCookie().cookie).send({ ticketId: ticket.id }).expect(409);
  });

  it('lets another buyer order a ticket whose order was cancelled', async () => {
    const { ticket, buyer, order } = await placeOrder(orders);
    expect((await cancelAsJudged(orders, buyer.cookie, order.id)).status).toBe(204);
    await api().post('/api/orders').set('Cookie', sessionCookie().cookie).send({ ticketId: ticket.id }).expect(201);
    expect(await countOrders(ticket.id)).toBe(2);
  });

  it('gives exactly one 201 to 50 concurrent buyers of one ticket and 409 to the other 49', async () => {
    const ticket = await seedTicket(orders.pool);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api().post('/api/orders').set('Cookie', sessionCookie().cookie).send({ ticketId: ticket.id }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(await countOrders(ticket.id)).toBe(1);
  });
});

describe('GET /api/orders', () => {
  it("lists only the buyer's own orders, newest first", async () => {
    const buyer = sessionCookie();
    const first = await placeOrder(orders, buyer);
    const second = await placeOrder(orders, buyer);
    await placeOrder(orders); // someone else's
    const res = await api().get('/api/orders').set('Cookie', buyer.cookie).expect(200);
    expect(res.body).toEqual({ orders: [second.order, first.order] });
  });

  it('answers an empty list to a buyer without orders', async () => {
    await api().get('/api/orders').set('Cookie', sessionCookie().cookie).expect(200, { orders: [] });
  });

  it('rejects a signed-out request with 401', async () => {
    await api().get('/api/orders').expect(401);
  });
});

describe('GET /api/orders/:id', () => {
  it('shows the buyer their order', async () => {
    const { buyer, order } = await placeOrder(orders);
    await api().get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200, order);
  });

  it("answers 404 for another buyer's order, an unknown id and a malformed id", async () => {
    const { order } = await placeOrder(orders);
    const stranger = sessionCookie();
    for (const id of [order.id, randomUUID(), 'not-a-uuid', '1']) {
      const res = await api().get(`/api/orders/${id}`).set('Cookie', stranger.cookie).expect(404);
      expect(res.body).toEqual({ errors: [{ message: 'Order not found' }] });
    }
  });

  it('rejects a signed-out request with 401', async () => {
    const { order } = await placeOrder(orders);
    await api().get(`/api/orders/${order.id}`).expect(401);
  });
});

describe('DELETE /api/orders/:id', () => {
  const cancellationRequests = (orderId: string) => cancellationRequestsFor(orders.pool, orderId);

  it("asks payments, the window's judge, to cancel an open order, and answers 204 on its verdict with order.updated cancelled", async () => {
    const placed = await placeOrder(orders);
    const { buyer, order } = placed;
    expect((await cancelAsJudged(orders, buyer.cookie, order.id)).status).toBe(204);
    expect(await cancellationRequests(order.id)).toBe(1);
    const shown = await api().get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ status: 'cancelled', version: 1, cancelReason: 'buyer' });
    const events = await outboxEventsFor(orders.pool, order.id);
    expect(events.map((e) => e.subject)).toEqual(['order.created', 'order.updated']);
    expect(events[1].data).toEqual(firstUpdateOf(placed, { status: 'cancelled', cancelReason: 'buyer' }));
  });

  it('answers 409 when a payment wins while the cancel waits for the verdict, and the order completes', async () => {
    const { buyer, order, ticket } = await placeOrder(orders);
    const cancelling = api()
      .delete(`/api/orders/${order.id}`)
      .set('Cookie', buyer.cookie)
      .then((res) => res);
    await eventually(async () => (await cancellationRequests(order.id)) === 1);
    await deliver(paymentCreatedListener(orders.pool, testLogger), {
      id: randomUUID(),
      orderId: order.id,
      amount: ticket.price,
      providerPaymentId: `pi_${randomUUID()}`,
    });
    const res = await cancelling;
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot cancel a completed order' }] });
    expect((await findOrder(orders.pool, order.id))?.status).toBe('complete');
  });

  it('answers 503 when no verdict comes in time, keeps the one request, and cancels when it comes', async () => {
    const { buyer, order } = await placeOrder(impatient);
    const cancel = () => request(impatient.server).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie);
    const res = await cancel().expect(503);
    expect(res.body).toEqual({
      errors: [
        {
          message:
            'The cancellation is not confirmed yet (a payment may still be going through); look at the order again in a moment',
        },
      ],
    });
    await cancel().expect(503);
    expect(await cancellationRequestsFor(impatient.pool, order.id)).toBe(1);
    expect((await findOrder(impatient.pool, order.id))?.status).toBe('created');
    expect((await cancelAsJudged(impatient, buyer.cookie, order.id)).status).toBe(204);
  });

  it('answers 204 again for an already cancelled order without a second event', async () => {
    const { buyer, order } = await placeOrder(orders);
    expect((await cancelAsJudged(orders, buyer.cookie, order.id)).status).toBe(204);
    await api().delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(204);
    const events = await outboxEventsFor(orders.pool, order.id);
    expect(events.filter((e) => e.subject === 'order.updated')).toHaveLength(1);
    const shown = await api().get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body.version).toBe(1);
  });

  it('refuses to cancel a completed order with 409 and changes nothing', async () => {
    const { buyer, order } = await placeOrder(orders);
    await markComplete(order.id);
    const res = await api().delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot cancel a completed order' }] });
    const shown = await api().get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body).toMatchObject({ status: 'complete', version: 1 });
    expect(await outboxEventsFor(orders.pool, order.id)).toHaveLength(1);
  });

  it("answers 404 for another buyer's order, an unknown id and a malformed id, and cancels nothing", async () => {
    const { buyer, order } = await placeOrder(orders);
    const stranger = sessionCookie();
    for (const id of [order.id, randomUUID(), 'not-a-uuid']) {
      await api().delete(`/api/orders/${id}`).set('Cookie', stranger.cookie).expect(404);
    }
    const shown = await api().get(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
    expect(shown.body.status).toBe('created');
  });

  it('rejects a signed-out request with 401', async () => {
    const { order } = await placeOrder(orders);
    await api().delete(`/api/orders/${order.id}`).expect(401);
  });
});

describe('operations', () => {
  it('reports the database and the bus in /health', async () => {
    await api()
      .get('/health')
      .expect(200, { status: 'ok', checks: { database: 'ok', bus: 'ok' } });
  });
});
