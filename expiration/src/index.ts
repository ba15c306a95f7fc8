import { Bus, closeServer, createLogger, exitOnStartupError, listenHttp, onShutdown } from '@microtick/common';
import { Redis } from 'ioredis';
import { buildApp } from './app';
import { readConfig } from './config';
import { startListeners } from './events/listeners';
import { createExpirationQueue, startExpirationWorker } from './expiration-queue';

const logger = createLogger('expiration');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const settings = { name: config.EXPIRATION_QUEUE_NAME, prefix: config.EXPIRATION_QUEUE_PREFIX };
  // Adding jobs and health checks fail fast when Redis is down (the event is redelivered); the worker's
  // connection waits for Redis instead, as BullMQ requires.
  const redis = new Redis(config.REDIS_URL);
  const workerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const client of [redis, workerRedis])
    client.on('error', (err) => logger.warn({ err }, 'redis connection error'));
  const bus = await Bus.connect({
    url: config.NATS_URL,
    name: 'expiration',
    logger,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
  });
  const queue = createExpirationQueue(redis, settings);
  const worker = startExpirationWorker({
    connection: workerRedis,
    bus,
    settings,
    concurrency: config.EXPIRATION_CONCURRENCY,
    logger,
  });
  await startListeners(bus, queue);
  const server = listenHttp(
    buildApp({ bus, redis, logger }),
    config.PORT,
    () => logger.info({ host: config.HOST, port: config.PORT }, 'expiration listening'),
    config.HOST,
  );
  // The worker publishes on the bus and the listener adds to the queue, so: worker, then bus, then queue.
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    ['worker', () => worker.close()],
    ['bus', () => bus.close()],
    ['queue', () => queue.close()],
    ['redis', () => Promise.all([redis.quit(), workerRedis.quit()])],
  ]);
}

main().catch(exitOnStartupError(logger));
