import type { Bus, Logger } from '@microtick/common';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { expirationEventId } from './expiration-id';
import { jobDelay, waitBeforePublishing } from '../rules';

export interface ExpirationJob {
  orderId: string;
  /** ISO-8601; absent on jobs queued before it was added (those publish as soon as they run). */
  expiresAt?: string;
}

export interface QueueSettings {
  name: string;
  prefix: string;
}

export type ExpirationQueue = Queue<ExpirationJob>;

// A publish that fails is retried: quickly at first, then further apart, for days in total, so an order
// still expires after a long bus outage.
const jobOptions = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  // Kept for a day so a late duplicate of order.created finds the job id taken and adds nothing.
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createExpirationQueue(redis: Redis, settings: QueueSettings): ExpirationQueue {
  return new Queue<ExpirationJob>(settings.name, { connection: redis, prefix: settings.prefix });
}

/**
 * Schedules the order's expiry at expiresAt (at once if that has passed). The order id is the job id,
 * so a duplicated order.created finds the job already there and adds nothing.
 */
export async function scheduleExpiration(
  queue: ExpirationQueue,
  order: { id: string; expiresAt: string },
  now = Date.now(),
): Promise<void> {
  const delay = jobDelay(order.expiresAt, now);
  await queue.add(
    'expire-order',
    { orderId: order.id, expiresAt: order.expiresAt },
    { ...jobOptions, jobId: order.id, delay },
  );
}

export interface ExpirationWorkerOptions {
  /** Needs maxRetriesPerRequest: null (BullMQ blocks on it while waiting for due jobs). */
  connection: Redis;
  bus: Pick<Bus, 'publish'>;
  settings: QueueSettings;
  concurrency: number;
  logger: Logger;
}

/** Publishes expiration.complete when an order's job falls due; a failed publish fails the job and BullMQ retries it. */
export function startExpirationWorker({
  connection,
  bus,
  settings,
  concurrency,
  logger,
}: ExpirationWorkerOptions): Worker<ExpirationJob> {
  const worker = new Worker<ExpirationJob>(
    settings.name,
    async (job: Job<ExpirationJob>) => {
      const { orderId, expiresAt } = job.data;
      const wait = waitBeforePublishing(expiresAt, Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await bus.publish('expiration.complete', { orderId }, expirationEventId(orderId));
    },
    { connection, prefix: settings.prefix, concurrency },
  );
  worker.on('failed', (job, err) =>
    logger.warn(
      { err, orderId: job?.data.orderId, attempt: job?.attemptsMade },
      'could not publish expiration.complete; will retry',
    ),
  );
  worker.on('error', (err) => logger.error({ err }, 'expiration worker error'));
  return worker;
}
