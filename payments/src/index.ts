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
import { createGateway } from './gateway';

const logger = createLogger('payments');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const gateway = createGateway(config, logger);
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) =>
    logger.warn({ err }, 'idle database connection lost'),
  );
  await migrate(pool, [migrationsDir]);
  const bus = await Bus.connect({
    url: config.NATS_URL,
    name: 'payments',
    logger,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
  });
  const relay = new OutboxRelay({ pool, bus, logger });
  await relay.start();
  await startListeners(bus, pool, gateway, logger);
  const server = buildApp({ pool, bus, gateway, config, logger }).listen(config.PORT, () =>
    logger.info({ port: config.PORT, gateway: gateway.name }, 'payments listening'),
  );
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    ['bus', () => bus.close()],
    ['relay', () => relay.stop()],
    ['database', () => pool.end()],
  ]);
}

main().catch(exitOnStartupError(logger));
