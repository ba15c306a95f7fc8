import { createLogger, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';

const logger = createLogger('orders');

void runService({
  name: 'orders',
  logger,
  readConfig,
  needs: { db: { migrationsDir }, bus: true },
  async start({ pool, bus, config }) {
    await startListeners(bus, pool, logger);
    return { app: buildApp({ pool, bus, config, logger }) };
  },
});
