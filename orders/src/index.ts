import { runService, startUserFacing } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';

void runService({
  name: 'orders',
  readConfig,
  needs: { db: { migrationsDir }, bus: true, redis: true },
  async start({ pool, bus, redis, config, logger }) {
    await startListeners(bus, pool, logger);
    const { shutdown, ...userFacing } = await startUserFacing('orders', { bus, redis }, config, logger);
    return { app: buildApp({ pool, bus, config, logger, ...userFacing }), shutdown };
  },
});
