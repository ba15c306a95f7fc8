import type { Bus } from '@microtick/common';
import { anOrderCreated, deliver, eventually } from '@microtick/devstack';
import { orderCreatedListener } from './events/order-created';
import { EARLY_MS } from './rules';
import { expirationEventId } from './store/expiration-id';
import { startExpirationUnderTest, type ExpirationUnderTest } from './testing/expiration-under-test';

const orderCreated = (expiresInMs: number) =>
  anOrderCreated({ expiresAt: new Date(Date.now() + expiresInMs).toISOString() });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let expiration: ExpirationUnderTest;
let bus: Bus;
beforeEach(async () => {
  expiration = await startExpirationUnderTest();
  bus = expiration.bus;
});
afterEach(() => expiration.stop());

const jobCounts = () => expiration.queue.getJobCounts('delayed', 'wait', 'active', 'completed');

describe('expiration', () => {
  it('publishes expiration.complete, with an id derived from the order id, once expiresAt has passed', async () => {
    expiration.startWorker();
    await expiration.startListeners();
    const order = orderCreated(2000);
    await bus.publish('order.created', order);

    const [fired] = await eventually(
      async () =>
        expiration.published.envelopesAbout(order.id).length > 0 && expiration.published.envelopesAbout(order.id),
      10_000,
    );
    expect(fired.id).toBe(expirationEventId(order.id));
    expect(Date.parse(fired.occurredAt)).toBeGreaterThanOrEqual(Date.parse(order.expiresAt));
  });

  it('stores a delayed job keyed by the order id for order.created', async () => {
    await expiration.startListeners();
    const order = orderCreated(60_000);
    await bus.publish('order.created', order);
    const job = await eventually(() => expiration.queue.getJob(order.id));
    expect(job.data).toEqual({ orderId: order.id, expiresAt: order.expiresAt });
    expect(await job.getState()).toBe('delayed');
  });

  it('fires at once for an order whose expiresAt has already passed', async () => {
    expiration.startWorker();
    await expiration.startListeners();
    const order = orderCreated(-60_000);
    await bus.publish('order.created', order);
    await eventually(async () => expiration.published.envelopesAbout(order.id).length === 1);
  });

  it('makes one job for a duplicated order.created, before and after it fires', async () => {
    const listener = orderCreatedListener(expiration.queue);
    const order = orderCreated(EARLY_MS + 1000); // still delayed in the queue
    await deliver(listener, order);
    await deliver(listener, order);
    expect(await jobCounts()).toEqual({ delayed: 1, wait: 0, active: 0, completed: 0 });

    expiration.startWorker();
    await eventually(async () => (await expiration.queue.getJobCounts('completed')).completed === 1, 10_000);
    await deliver(listener, order);
    expect(await jobCounts()).toEqual({ delayed: 0, wait: 0, active: 0, completed: 1 });
    expect(expiration.published.envelopesAbout(order.id)).toHaveLength(1);
  });

  it('still fires when the worker is killed before the deadline and a new one starts after it', async () => {
    const first = expiration.startWorker();
    await expiration.startListeners();
    const order = orderCreated(EARLY_MS + 1500); // still delayed in the queue when the worker goes
    await bus.publish('order.created', order);
    await eventually(() => expiration.queue.getJob(order.id));

    await first.worker.close(true);
    first.connection.disconnect();
    await sleep(Date.parse(order.expiresAt) - Date.now() + 300);
    expect(expiration.published.envelopesAbout(order.id)).toHaveLength(0);

    expiration.startWorker();
    await eventually(async () => expiration.published.envelopesAbout(order.id).length === 1);
  });

  it('retries the job when publishing fails, and publishes once it can', async () => {
    let failures = 0;
    const flakyBus: Pick<Bus, 'publish'> = {
      publish: (subject, data, id) => {
        if (failures < 2) {
          failures += 1;
          return Promise.reject(new Error('bus unavailable'));
        }
        return bus.publish(subject, data, id);
      },
    };
    expiration.startWorker(flakyBus);
    const order = orderCreated(0);
    await deliver(orderCreatedListener(expiration.queue), order);
    await eventually(async () => expiration.published.envelopesAbout(order.id).length === 1, 10_000);
    expect(failures).toBe(2);
    // BullMQ records the last attempt just after the job's handler returns.
    await eventually(async () => (await expiration.queue.getJob(order.id))?.attemptsMade === 3, 5000);
  });
});
