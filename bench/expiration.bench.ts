import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Bus, createLogger, Listener, type Envelope } from '@microtick/common';
import { startNats, startRedis } from '@microtick/devstack';
import { Redis } from 'ioredis';
import { startListeners } from '../expiration/src/events';
import { createExpirationQueue, startExpirationWorker } from '../expiration/src/store/expiration-queue';
import { ms, percentile, ratio, table, tempDir } from './lib';

/**
 * Expiry lateness with 1,000 orders expiring in the same second: 1,000 order.created with one expiresAt
 * about 3 s ahead go through the expiration service's listener, BullMQ delayed jobs on Redis (AOF, as in
 * `make up`) and its worker; lateness = arrival of each expiration.complete at a subscriber − expiresAt.
 * Baseline: the same 1,000 expiration.complete published on the same bus by one in-process timer at
 * expiresAt, so the difference is what the queue costs.
 */

const ORDERS = 1000;
const silent = createLogger('bench', 'silent');

class ArrivalRecorder extends Listener<'expiration.complete'> {
  readonly subject = 'expiration.complete' as const;
  readonly arrivals = new Map<string, number>();
  constructor(readonly durableName: string) {
    super();
  }
  async onMessage(_: unknown, envelope: Envelope<'expiration.complete'>) {
    this.arrivals.set(envelope.data.orderId, Date.now());
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for expirations');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function lateness(arrivals: Map<string, number>, expiresAt: number) {
  const sorted = [...arrivals.values()].map((t) => t - expiresAt).sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    min: sorted[0],
  };
}

export async function run(): Promise<string> {
  const temp = tempDir('expiration');
  const nats = await startNats({ storeDir: path.join(temp.dir, 'nats') });
  const redisServer = await startRedis({ dataDir: path.join(temp.dir, 'redis'), persistent: true });
  const bus = await Bus.connect({ url: nats.url, name: 'expiration-bench', logger: silent });
  const redis = new Redis(redisServer.url);
  const workerRedis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const settings = { name: 'order-expiration', prefix: 'bench' };
  const concurrency = 1000;
  const queue = createExpirationQueue(redis, settings);
  const worker = startExpirationWorker({ connection: workerRedis, bus, settings, concurrency, logger: silent });
  try {
    await startListeners(bus, queue);
    const service = new ArrivalRecorder('bench.service');
    await bus.listen(service);

    const expiresAt = Date.now() + 3000;
    const orderIds = Array.from({ length: ORDERS }, () => randomUUID());
    await Promise.all(
      orderIds.map((id) =>
        bus.publish('order.created', {
          id,
          userId: randomUUID(),
          status: 'created',
          expiresAt: new Date(expiresAt).toISOString(),
          ticket: { id: randomUUID(), price: 1000, sellerId: randomUUID() },
          version: 0,
        }),
      ),
    );
    const publishedBy = Date.now() - expiresAt;
    await until(() => service.arrivals.size === ORDERS, 60_000);
    const measured = lateness(service.arrivals, expiresAt);

    // Baseline: one timer at the deadline publishes all 1,000 on the same bus.
    const baselineRecorder = new ArrivalRecorder('bench.baseline');
    await bus.listen(baselineRecorder);
    const baselineAt = Date.now() + 1000;
    const baselineIds = Array.from({ length: ORDERS }, () => randomUUID());
    setTimeout(
      () => void Promise.all(baselineIds.map((orderId) => bus.publish('expiration.complete', { orderId }))),
      baselineAt - Date.now(),
    );
    await until(() => baselineRecorder.arrivals.size === ORDERS * 2, 60_000);
    for (const id of orderIds) baselineRecorder.arrivals.delete(id);
    const baseline = lateness(baselineRecorder.arrivals, baselineAt);

    return [
      '## Expiration: lateness with 1,000 orders expiring in the same second',
      '',
      `1,000 order.created with one expiresAt ~3 s ahead (all published ${ms(-publishedBy)} before it) → listener → BullMQ delayed jobs (Redis with AOF) → worker (concurrency ${concurrency}) → expiration.complete on JetStream → a durable subscriber. Lateness = arrival − expiresAt.`,
      '',
      table(
        ['path', 'received', 'first', 'p50', 'p99', 'last', 'p50 / p99 vs baseline'],
        [
          [
            'expiration service (BullMQ)',
            measured.count,
            ms(measured.min),
            ms(measured.p50),
            ms(measured.p99),
            ms(measured.max),
            `${ratio(measured.p50, baseline.p50)} / ${ratio(measured.p99, baseline.p99)}`,
          ],
          [
            'baseline: one in-process timer publishes all at the deadline',
            baseline.count,
            ms(baseline.min),
            ms(baseline.p50),
            ms(baseline.p99),
            ms(baseline.max),
            '1.00×',
          ],
        ],
      ),
      '',
      `DESIGN asks for cancellation within a second of expiresAt; the expiration.complete p99 here is ${ms(measured.p99)}, before the orders service's own handling.`,
    ].join('\n');
  } finally {
    await worker.close();
    await bus.close();
    await queue.close();
    redis.disconnect();
    workerRedis.disconnect();
    await redisServer.stop();
    await nats.stop();
    temp.remove();
  }
}
