import type { Express } from 'express';
import type pg from 'pg';
import { Bus } from './bus/bus';
import { createPool } from './db/pool';
import { migrate } from './db/migrate';
import type { Logger } from './logger';
import { listenHttp } from './http/listen';
import { OutboxRelay } from './outbox/relay';
import { closeServer, onShutdown, type ShutdownStep } from './shutdown';

export interface EventServiceConfig {
  PORT: number;
  HOST?: string;
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  NATS_URL: string;
  NATS_STREAM?: string;
  NATS_SUBJECT_PREFIX?: string;
}

export interface EventServiceOptions {
  name: string;
  logger: Logger;
  config: EventServiceConfig;
  migrationsDir: string;
  /** Registers the service's listeners and builds its app, once the pool, bus and relay are up. */
  start(deps: { pool: pg.Pool; bus: Bus }): Promise<{ app: Express; shutdown?: ShutdownStep[] }>;
}

/**
 * Start-up shared by the services that own a database and use the bus: pool, migrations, bus, outbox
 * relay, the service's own listeners and app, then the graceful shutdown order: stop taking requests,
 * stop the listeners after their current event, let the relay publish what they recorded, drain the
 * bus, close the pool.
 */
export async function runEventService({ name, logger, config, migrationsDir, start }: EventServiceOptions) {
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) =>
    logger.warn({ err }, 'idle database connection lost'),
  );
  await migrate(pool, [migrationsDir]);
  const bus = await Bus.connect({
    url: config.NATS_URL,
    name,
    logger,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
  });
  const relay = new OutboxRelay({ pool, bus, logger });
  await relay.start();
  const { app, shutdown = [] } = await start({ pool, bus });
  const server = listenHttp(
    app,
    config.PORT,
    () => logger.info({ host: config.HOST, port: config.PORT }, `${name} listening`),
    config.HOST,
  );
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    ['listeners', () => bus.stopListeners()],
    ...shutdown,
    ['outbox relay', () => relay.stop()],
    ['bus', () => bus.close()],
    ['database', () => pool.end()],
  ]);
}
