import { createLogger, exitOnStartupError, runEventService, startUserFacing } from '@microtick/common';
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
      const { shutdown, ...userFacing } = await startUserFacing('payments', bus, config, logger);
      return { app: buildApp({ pool, bus, gateway, config, logger, ...userFacing }), shutdown };
    },
  });
}

main().catch(exitOnStartupError(logger));
