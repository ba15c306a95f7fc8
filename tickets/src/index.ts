import { runService, startUserFacing } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';
import { StartedEventsSweep } from './store/started-events';

void runService({
  name: 'tickets',
  readConfig,
  needs: { db: { migrationsDir }, bus: true, redis: true },
  async start({ pool, bus, redis, config, logger }) {
    await startListeners(bus, pool);
    const sweep = new StartedEventsSweep({ pool, logger });
    sweep.start();
    const { shutdown, ...userFacing } = await startUserFacing('tickets', { bus, redis }, config, logger);
    return {
      app: buildApp({ pool, bus, config, logger, ...userFacing }),
      shutdown: [['started-events sweep', () => sweep.stop()], ...shutdown],
    };
  },
});
