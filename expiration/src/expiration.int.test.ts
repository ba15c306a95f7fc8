import type { Bus } from '@microtick/common';
import {
  anOrderCreated,
  collectEvents,
  connectTestBus,
  eventually,
  testBusNamespace,
  testLogger,
  testRedisPrefix,
  testRedisUrl,
  type CollectedEvents,
} from '@microtick/devstack';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { startListeners } from './events';
import { OrderCreatedListener } from './events/order-created';
import { expirationEventId } from './expiration-id';
import { EARLY_MS } from './rules';
import {
  createExpirationQueue,
  startExpirationWorker,
  type ExpirationJob,
  type ExpirationQueue,
} from './store/expiration-queue';

const orderCreated = (expiresInMs: number) =>
  anOrderCreated({ expiresAt: new Date(Date.now() + expiresInMs).toISOString() });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let bus: Bus;
let redis: Redis;
let queue: ExpirationQueue;
let collector: CollectedEvents<'expiration.complete'>;
let settings: { name: string; prefix: string };
const workers: { worker: Worker<ExpirationJob>; connection: Redis }[] = [];

function startWorker(publisher: Pick<Bus, 'publish'> = bus) {
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const worker = startExpirationWorker({ connection, bus: publisher, settings, concurrency: 10, logger: testLogger });
  const running = { worker, connection };
  workers.push(running);
  return running;
}

beforeEach(async () => {
  bus = await connectTestBus(testBusNamespace());
  redis = new Redis(testRedisUrl());
  settings = { name: 'order-expiration', prefix: testRedisPrefix() };
  queue = createExpirationQueue(redis, settings);
  collector = await collectEvents(bus, 'expiration.complete');
});

afterEach(async () => {
  for (const { worker, connection } of workers.splice(0)) {
    await worker.close(true);
    connection.disconnect();
  }
  await queue.close();
  await bus.deleteStream();
  await bus.close();
  await redis.quit();
});

describe('expiration', () => {
  it('publishes expiration.complete, with an id derived from the order id, once expiresAt has passed', async () => {
    startWorker();
    await startListeners(bus, queue);
    const order = orderCreated(2000);
    await bus.publish('order.created', order);

    const [fired] = await eventually(
      async () => collector.envelopesAbout(order.id).length > 0 && collector.envelopesAbout(order.id),
      10_000,
    );
    expect(fired.id).toBe(expirationEventId(order.id));
    expect(Date.parse(fired.occurredAt)).toBeGreaterThanOrEqual(Date.parse(order.expiresAt));
  });

  it('stores a delayed job keyed by the order id for order.created', async () => {
    await startListeners(bus, queue);
    const order = orderCreated(60_000);
    await bus.publish('order.created', order);
    const job = await eventually(() => queue.getJob(order.id));
    expect(job.data).toEqual({ orderId: order.id, expiresAt: order.expiresAt });
    expect(await job.getState()).toBe('delayed');
  });

  it('fires at once for an order whose expiresAt has already passed', async () => {
    startWorker();
    await startListeners(bus, queue);
    const order = orderCreated(-60_000);
    await bus.publish('order.created', order);
    await eventually(async () => collector.envelopesAbout(order.id).length === 1);
  });

  it('makes one job for a duplicated order.created, before and after it fires', async () => {
    const listener = new OrderCreatedListener(queue);
    const order = orderCreated(EARLY_MS + 1000); // still delayed in the queue
    await listener.onMessage(order);
    await listener.onMessage(order);
    expect(await queue.getJobCounts('delayed', 'wait', 'active', 'completed')).toEqual({
      delayed: 1,
      wait: 0,
      active: 0,
      completed: 0,
    });

    startWorker();
    await eventually(async () => (await queue.getJobCounts('completed')).completed === 1, 10_000);
    await listener.onMessage(order);
    expect(await queue.getJobCounts('delayed', 'wait', 'active', 'completed')).toEqual({
      delayed: 0,
      wait: 0,
      active: 0,
      completed: 1,
    });
    expect(collector.envelopesAbout(order.id)).toHaveLength(1);
  });

  it('still fires when the worker is killed before the deadline and a new one starts after it', async () => {
    const first = startWorker();
    await startListeners(bus, queue);
    const order = orderCreated(EARLY_MS + 1500); // still delayed in the queue when the worker goes
    await bus.publish('order.created', order);
    await eventually(() => queue.getJob(order.id));

    await first.worker.close(true);
    first.connection.disconnect();
    await sleep(Date.parse(order.expiresAt) - Date.now() + 300);
    expect(collector.envelopesAbout(order.id)).toHaveLength(0);

    startWorker();
    await eventually(async () => collector.envelopesAbout(order.id).length === 1);
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
    startWorker(flakyBus);
    const order = orderCreated(0);
    await new OrderCreatedListener(queue).onMessage(order);
    await eventually(async () => collector.envelopesAbout(order.id).length === 1, 10_000);
    expect(failures).toBe(2);
    expect((await queue.getJob(order.id))?.attemptsMade).toBe(3);
  });
});
