import {
  createLogger,
  exitOnStartupError,
  isMigrateCommand,
  runEventService,
  runMigrateCommand,
} from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';
import { startListeners } from './events/listeners';

const logger = createLogger('orders');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  await runEventService({
    name: 'orders',
    logger,
    config,
    migrationsDir,
    async start({ pool, bus }) {
      await startListeners(bus, pool, logger);
      return { app: buildApp({ pool, bus, config, logger }) };
    },
  });
}

if (isMigrateCommand()) runMigrateCommand(logger, migrationsDir);
else main().catch(exitOnStartupError(logger));
