import { busConfig, configFragments as f, loadConfig } from '@microtick/common';
import { z } from 'zod';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...busConfig(4004),
      HOST: f.host,
      REDIS_URL: f.redisUrl,
      EXPIRATION_QUEUE_NAME: z.string().min(1).default('order-expiration'),
      /** BullMQ's Redis key prefix; lets several deployments (or test runs) share one Redis. */
      EXPIRATION_QUEUE_PREFIX: z.string().min(1).default('bull'),
      /** Jobs handled at once: many orders can expire in the same second. */
      // Jobs wait in the worker for up to EARLY_MS: enough slots for a thousand orders expiring together.
      EXPIRATION_CONCURRENCY: f.positiveInt.default(1000),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type ExpirationConfig = ReturnType<typeof readConfig>;
