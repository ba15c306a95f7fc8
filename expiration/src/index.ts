import { closeRedis, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { startListeners } from './events';
import { createExpirationQueue, startExpirationWorker } from './store/expiration-queue';

void runService({
  name: 'expiration',
  readConfig,
  needs: { bus: true, redis: true },
  async start({ bus, redis, config, logger }) {
    const settings = { name: config.EXPIRATION_QUEUE_NAME, prefix: config.EXPIRATION_QUEUE_PREFIX };
    // BullMQ's worker connection waits for Redis instead of failing its commands, as BullMQ requires.
    const workerRedis = redis.duplicate({ maxRetriesPerRequest: null });
    workerRedis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
    const queue = createExpirationQueue(redis, settings);
    const worker = startExpirationWorker({
      connection: workerRedis,
      bus,
      settings,
      concurrency: config.EXPIRATION_CONCURRENCY,
      logger,
    });
    await startListeners(bus, queue);
    return {
      app: buildApp({ bus, redis, logger }),
      // The worker publishes on the bus, which closes after these steps; the listeners, which add to the
      // queue, have stopped before them.
      shutdown: [
        ['worker', () => worker.close()],
        ['queue', () => queue.close()],
        ['worker redis', () => closeRedis(workerRedis)],
      ],
    };
  },
});
