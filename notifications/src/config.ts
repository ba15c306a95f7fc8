import { configFragments as f, loadConfig, mailConfig, storeAndBusConfig } from '@microtick/common';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...storeAndBusConfig(4006),
      DATABASE_POOL_SIZE: f.positiveInt.default(10),
      HOST: f.host,
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
