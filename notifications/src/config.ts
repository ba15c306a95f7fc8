import { configFragments as f, loadConfig, mailConfig } from '@microtick/common';
import { z } from 'zod';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      NODE_ENV: f.nodeEnv,
      PORT: f.port.default(4006),
      HOST: f.host,
      DATABASE_URL: f.databaseUrl,
      DATABASE_POOL_SIZE: f.positiveInt.default(10),
      NATS_URL: f.natsUrl,
      NATS_STREAM_REPLICAS: f.natsStreamReplicas,
      NATS_STREAM: z.string().min(1).optional(),
      NATS_SUBJECT_PREFIX: z.string().min(1).optional(),
      // SMTP_URL, MAIL_FROM, and APP_URL: the public origin that links in emails point to.
      ...mailConfig,
      /**
       * An email about an order closed longer ago than this is not sent: a new deployment replays the
       * stream's history (a year of it) and must not write to everyone about their old orders.
       */
      MAIL_MAX_AGE_HOURS: f.positiveInt.default(24),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type NotificationsConfig = ReturnType<typeof readConfig>;
