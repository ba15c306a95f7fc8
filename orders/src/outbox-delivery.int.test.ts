import { OutboxRelay, type Bus } from '@microtick/common';
import {
  collectEvents,
  connectTestBus,
  eventually,
  sessionCookie,
  testLogger,
  type CollectedEvents,
} from '@microtick/devstack';
import request from 'supertest';
import { startListeners } from './events';
import { outboxEventsFor, seedTicket, startOrdersUnderTest, type OrdersUnderTest } from './testing/orders-under-test';

let orders: OrdersUnderTest;
let otherServices: Bus;
let created: CollectedEvents<'order.created'>;
let updated: CollectedEvents<'order.updated'>;
beforeAll(async () => {
  orders = await startOrdersUnderTest();
  otherServices = await connectTestBus(
    { stream: orders.bus.stream, subjectPrefix: orders.bus.subjectPrefix },
    'other-services',
  );
  created = await collectEvents(otherServices, 'order.created');
  updated = await collectEvents(otherServices, 'order.updated');
});
afterAll(async () => {
  await otherServices.close();
  await orders.stop();
});

it('delivers order.created committed by a process that crashed before publishing, once a relay starts', async () => {
  // No relay runs: the order and its event are committed, and nothing is published yet.
  const ticket = await seedTicket(orders.pool);
  const res = await request(orders.server)
    .post('/api/orders')
    .set('Cookie', sessionCookie().cookie)
    .send({ ticketId: ticket.id })
    .expect(201);
  const [recorded] = await outboxEventsFor(orders.pool, res.body.id);
  expect(created.received.find((e) => e.data.id === res.body.id)).toBeUndefined();

  // The restarted service's relay finds the pending row and publishes it.
  const relay = new OutboxRelay({ pool: orders.pool, bus: orders.bus, logger: testLogger });
  await relay.start();
  try {
    const delivered = await eventually(async () => created.received.find((e) => e.data.id === res.body.id));
    expect(delivered).toEqual(recorded);
    expect(await outboxEventsFor(orders.pool, res.body.id)).toEqual([]);
  } finally {
    await relay.stop();
  }
});

it('publishes order.updated cancelled on the bus when payment.window-closed arrives for an open order', async () => {
  const relay = new OutboxRelay({ pool: orders.pool, bus: orders.bus, logger: testLogger });
  await relay.start();
  await startListeners(orders.bus, orders.pool, testLogger);
  try {
    const ticket = await seedTicket(orders.pool);
    const buyer = sessionCookie();
    const res = await request(orders.server)
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
    await otherServices.publish('payment.window-closed', { orderId: res.body.id });
    const event = await eventually(async () => updated.received.find((e) => e.data.id === res.body.id));
    expect(event.data).toEqual({
      id: res.body.id,
      userId: buyer.user.id,
      status: 'cancelled',
      ticket: { id: ticket.id },
      version: 1,
    });
  } finally {
    await relay.stop();
  }
});
