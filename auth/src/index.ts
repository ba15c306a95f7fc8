import { connectRateLimitStore, createLogger, exitOnStartupError, runEventService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';

const logger = createLogger('auth');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  // The bus carries what auth publishes (user.session-revoked) through its outbox; auth consumes nothing.
  await runEventService({
    name: 'auth',
    logger,
    config,
    migrationsDir,
    async start({ pool }) {
      const redis = connectRateLimitStore(config.REDIS_URL, logger);
      return {
        app: buildApp({ pool, config, logger, redis }),
        shutdown: [['rate-limit store', () => redis.quit()]],
      };
    },
  });
}

main().catch(exitOnStartupError(logger));
