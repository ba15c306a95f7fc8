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
import { createGateway } from './gateway';

const logger = createLogger('payments');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const gateway = createGateway(config, logger);
  logger.info({ gateway: gateway.name }, 'payment gateway');
  await runEventService({
    name: 'payments',
    logger,
    config,
    migrationsDir,
    async start({ pool, bus }) {
      await startListeners(bus, pool, gateway, logger);
      return { app: buildApp({ pool, bus, gateway, config, logger }) };
    },
  });
}

if (isMigrateCommand()) runMigrateCommand(logger, migrationsDir);
else main().catch(exitOnStartupError(logger));
