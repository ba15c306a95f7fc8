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

const logger = createLogger('tickets');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) =>
    logger.warn({ err }, 'idle database connection lost'),
  );
  await migrate(pool, [migrationsDir]);
  const bus = await Bus.connect({ url: config.NATS_URL, name: 'tickets', logger });
  const relay = new OutboxRelay({ pool, bus, logger });
  await relay.start();
  await startListeners(bus, pool);
  const server = buildApp({ pool, bus, config, logger }).listen(config.PORT, () =>
    logger.info({ port: config.PORT }, 'tickets listening'),
  );
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    // Closing the bus stops the listeners after their current event, then drains the connection.
    ['bus', () => bus.close()],
    ['outbox relay', () => relay.stop()],
    ['database', () => pool.end()],
  ]);
}

main().catch(exitOnStartupError(logger));
