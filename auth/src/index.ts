import { closeRedis, connectRateLimitStore, createMailer, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';

// The bus carries what auth publishes (user.session-revoked) through its outbox; auth consumes nothing.
void runService({
  name: 'auth',
  readConfig,
  needs: { db: { migrationsDir }, bus: true, redis: true },
  async start({ pool, redis, config, logger }) {
    const limits = connectRateLimitStore(redis, logger);
    const mailer = createMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, logger });
    return {
      app: buildApp({ pool, config, logger, redis: limits, mailer }),
      shutdown: [
        // Reset emails still being sent go out before the pool closes.
        ['mailer', () => mailer.close()],
        ['rate-limit store', () => closeRedis(limits)],
      ],
    };
  },
});
