import { OutboxRelay, type Bus } from '@microtick/common';
import { collectEvents, eventually, testLogger, type CollectedEvents } from '@microtick/devstack';
import { startListeners } from './events';
import {
  firstUpdateOf,
  outboxEventsFor,
  placeOrder,
  startOrdersUnderTest,
  type OrdersUnderTest,
} from './testing/orders-under-test';

let orders: OrdersUnderTest;
let otherServices: Bus;
let created: CollectedEvents<'order.created'>;
let updated: CollectedEvents<'order.updated'>;
beforeAll(async () => {
  orders = await startOrdersUnderTest();
  otherServices = orders.otherServices;
  created = await collectEvents(otherServices, 'order.created');
  updated = await collectEvents(otherServices, 'order.updated');
});
afterAll(() => orders.stop());

it('delivers order.created committed by a process that crashed before publishing, once a relay starts', async () => {
  // No relay runs: the order and its event are committed, and nothing is published yet.
  const { orderId } = await placeOrder(orders);
  const [recorded] = await outboxEventsFor(orders.pool, orderId);
  expect(created.received.find((e) => e.data.id === orderId)).toBeUndefined();

  // The restarted service's relay finds the pending row and publishes it.
  const relay = new OutboxRelay({ pool: orders.pool, bus: orders.bus, logger: testLogger });
  await relay.start();
  try {
    const delivered = await eventually(async () => created.received.find((e) => e.data.id === orderId));
    expect(delivered).toEqual(recorded);
    expect(await outboxEventsFor(orders.pool, orderId)).toEqual([]);
  } finally {
    await relay.stop();
  }
});

it('publishes order.updated cancelled on the bus when payment.window-closed arrives for an open order', async () => {
  const relay = new OutboxRelay({ pool: orders.pool, bus: orders.bus, logger: testLogger });
  await relay.start();
  await startListeners(orders.bus, orders.pool, testLogger);
  try {
    const placed = await placeOrder(orders);
    await otherServices.publish('payment.window-closed', { orderId: placed.orderId, reason: 'expired' });
    const event = await eventually(async () => updated.received.find((e) => e.data.id === placed.orderId));
    expect(event.data).toEqual(firstUpdateOf(placed, { status: 'cancelled', cancelReason: 'expired' }));
  } finally {
    await relay.stop();
  }
});
