// Test-only: the expiration service's queue, listeners, workers and app on the harness's NATS and Redis.
import type { Bus } from '@microtick/common';
import {
  collectEvents,
  connectTestBus,
  testBusNamespace,
  testLogger,
  testRedisPrefix,
  testRedisUrl,
  type CollectedEvents,
} from '@microtick/devstack';
import type { Worker } from 'bullmq';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { buildApp } from '../app';
import { startListeners } from '../events';
import {
  createExpirationQueue,
  startExpirationWorker,
  type ExpirationJob,
  type ExpirationQueue,
} from '../store/expiration-queue';

export interface ExpirationUnderTest {
  /** The service's bus connection in a fresh namespace: its listeners consume and its workers publish here. */
  bus: Bus;
  redis: Redis;
  /** The queue, in a fresh set of Redis keys. */
  queue: ExpirationQueue;
  /** Every expiration.complete published in the namespace. */
  published: CollectedEvents<'expiration.complete'>;
  app: Express;
  startListeners(): Promise<void>;
  /** A worker on a connection of its own, as each replica has; it publishes on `publisher` (the bus unless given). */
  startWorker(publisher?: Pick<Bus, 'publish'>): { worker: Worker<ExpirationJob>; connection: Redis };
  stop(): Promise<void>;
}

export async function startExpirationUnderTest(): Promise<ExpirationUnderTest> {
  const bus = await connectTestBus(testBusNamespace(), 'expiration');
  const redis = new Redis(testRedisUrl());
  const settings = { name: 'order-expiration', prefix: testRedisPrefix() };
  const queue = createExpirationQueue(redis, settings);
  const published = await collectEvents(bus, 'expiration.complete');
  const workers: { worker: Worker<ExpirationJob>; connection: Redis }[] = [];
  return {
    bus,
    redis,
    queue,
    published,
    app: buildApp({ bus, redis, logger: testLogger }),
    startListeners: () => startListeners(bus, queue),
    startWorker(publisher = bus) {
      const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
      const worker = startExpirationWorker({
        connection,
        bus: publisher,
        settings,
        concurrency: 10,
        logger: testLogger,
      });
      workers.push({ worker, connection });
      return { worker, connection };
    },
    async stop() {
      for (const { worker, connection } of workers.splice(0)) {
        await worker.close(true);
        connection.disconnect();
      }
      await queue.close();
      await bus.deleteStream();
      await bus.close();
      await redis.quit();
    },
  };
}
