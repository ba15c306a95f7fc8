import { createLogger, runService, startUserFacing } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';

const logger = createLogger('orders');

void runService({
  name: 'orders',
  logger,
  readConfig,
  needs: { db: { migrationsDir }, bus: true, redis: true },
  async start({ pool, bus, redis, config }) {
    await startListeners(bus, pool, logger);
    const { shutdown, ...userFacing } = await startUserFacing('orders', { bus, redis }, config, logger);
    return { app: buildApp({ pool, bus, config, logger, ...userFacing }), shutdown };
  },
});
