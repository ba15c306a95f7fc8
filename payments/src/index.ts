import { createLogger, runService } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';
import { createGateway } from './gateway';

const logger = createLogger('payments');

void runService({
  name: 'payments',
  logger,
  readConfig,
  needs: { db: { migrationsDir }, bus: true },
  async start({ pool, bus, config }) {
    const gateway = createGateway(config, logger);
    logger.info({ gateway: gateway.name }, 'payment gateway');
    await startListeners(bus, pool, gateway, logger);
    return { app: buildApp({ pool, bus, gateway, config, logger }) };
  },
});
