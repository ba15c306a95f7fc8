import {
  Bus,
  closeServer,
  createLogger,
  createPool,
  exitOnStartupError,
  migrate,
  onShutdown,
  OutboxRelay,
} from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';
import { startListeners } from './events/listeners';

const logger = createLogger('orders');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) =>
    logger.warn({ err }, 'idle database connection lost'),
  );
  await migrate(pool, [migrationsDir]);
  const bus = await Bus.connect({ url: config.NATS_URL, name: 'orders', logger });
  const relay = new OutboxRelay({ pool, bus, logger });
  await relay.start();
  await startListeners(bus, pool, logger);
  const server = buildApp({ pool, bus, config, logger }).listen(config.PORT, () =>
    logger.info({ port: config.PORT }, 'orders listening'),
  );
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    ['outbox relay', () => relay.stop()],
    ['bus', () => bus.close()],
    ['database', () => pool.end()],
  ]);
}

main().catch(exitOnStartupError(logger));
