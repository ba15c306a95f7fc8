import { createLogger, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';

const logger = createLogger('auth');

void runService({
  name: 'auth',
  logger,
  readConfig,
  needs: { db: { migrationsDir } },
  async start({ pool, config }) {
    return { app: buildApp({ pool, config, logger }) };
  },
});
