import { createMailer, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { startListeners } from './events';
import { migrationsDir } from './store/migrations';

void runService({
  name: 'notifications',
  readConfig,
  needs: { db: { migrationsDir }, bus: true },
  async start({ pool, bus, config, logger }) {
    const mailer = createMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, logger });
    await startListeners(bus, {
      pool,
      mailer,
      appUrl: config.APP_URL,
      maxAgeMs: config.MAIL_MAX_AGE_HOURS * 3600 * 1000,
      logger,
    });
    return {
      app: buildApp({ pool, bus, logger }),
      // The listeners have stopped (each after its current event) before this: no send is in flight.
      shutdown: [['mailer', () => mailer.close()]],
    };
  },
});
