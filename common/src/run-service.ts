import type { Server } from 'node:http';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { Bus } from './bus/bus';
import { createPool, type Pool } from './db/pool';
import { migrate } from './db/migrate';
import { runMigrateCommand } from './migrate-command';
import { listenHttp } from './http/listen';
import { createLogger, type Logger } from './logger';
import { OutboxRelay } from './outbox/relay';
import { closeServer, exitOnStartupError, onShutdown, type ShutdownStep } from './shutdown';

/** The variables runService reads; each service's config has those of the dependencies it needs. */
export interface ServiceConfig {
  PORT: number;
  /** The address to listen on: loopback unless set (containers set 0.0.0.0). */
  HOST?: string;
  LOG_LEVEL: string;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  NATS_URL?: string;
  NATS_STREAM?: string;
  NATS_STREAM_REPLICAS?: number;
  NATS_SUBJECT_PREFIX?: string;
  REDIS_URL?: string;
}

export interface ServiceNeeds {
  /** The service owns a PostgreSQL database with these migrations (after common's). */
  db?: { migrationsDir: string };
  bus?: true;
  redis?: true;
}

export type ServiceDeps<C, N extends ServiceNeeds> = { config: C; logger: Logger } & (N['db'] extends object
  ? { pool: Pool }
  : unknown) &
  (N['bus'] extends true ? { bus: Bus } : unknown) &
  (N['redis'] extends true ? { redis: Redis } : unknown);

export interface RunServiceOptions<C extends ServiceConfig, N extends ServiceNeeds> {
  /** The service's name: its logger's, its bus connection's and its "listening" line's. */
  name: string;
  readConfig(): C;
  needs: N;
  /**
   * Registers the service's listeners and builds its app, once its dependencies are up. Its shutdown
   * steps run after the listeners have stopped and before the relay, bus, Redis and pool close.
   */
  start(deps: ServiceDeps<C, N>): Promise<{ app: Express; shutdown?: ShutdownStep[] }>;
  /** The command line after the script; `migrate` applies the migrations and exits. */
  args?: string[];
}

/**
 * The one start-up of every service: creates its logger (handed to `start` with the rest), reads its
 * config, waits for its database, bus and Redis (logging what it waits for), migrates, starts the outbox
 * relay when it has both a database and a bus, starts the service, and listens. SIGTERM or SIGINT at any
 * point, waiting included, shuts down what is open in order (stop taking requests, stop the listeners
 * after their current event, the service's own steps, let the relay publish what was recorded, drain the
 * bus, close Redis and the pool) and exits 0.
 *
 * `<service> migrate` applies the service's migrations and exits 0 without touching the bus, Redis or
 * HTTP (a service without a database exits 0 at once): deployments run it before the new version starts.
 */
export function runService<C extends ServiceConfig, const N extends ServiceNeeds>(
  options: RunServiceOptions<C, N>,
): Promise<void> {
  const { name, needs } = options;
  const logger = createLogger(name);
  const aborted = new AbortController();
  const open: { server?: Server; pool?: Pool; bus?: Bus; relay?: OutboxRelay; redis?: Redis } = {};
  let serviceSteps: ShutdownStep[] = [];
  onShutdown(logger, () => [
    ['start-up', () => aborted.abort()],
    ...(open.server ? [['http', () => closeServer(open.server!)] as ShutdownStep] : []),
    ...(open.bus ? [['listeners', () => open.bus!.stopListeners()] as ShutdownStep] : []),
    ...serviceSteps,
    ...(open.relay ? [['outbox relay', () => open.relay!.stop()] as ShutdownStep] : []),
    ...(open.bus ? [['bus', () => open.bus!.close()] as ShutdownStep] : []),
    ...(open.redis ? [['redis', () => closeRedis(open.redis!)] as ShutdownStep] : []),
    ...(open.pool ? [['database', () => open.pool!.end()] as ShutdownStep] : []),
  ]);

  const wait = <T>(dependency: string, url: string, ready: () => Promise<T>) =>
    waitForDependency({ dependency, address: addressOf(url), ready, logger, signal: aborted.signal });

  async function openPool(config: C): Promise<Pool> {
    const pool = createPool(required(config, 'DATABASE_URL'), config.DATABASE_POOL_SIZE, (err) =>
      logger.warn({ err }, 'database connection lost'),
    );
    open.pool = pool;
    await wait('postgresql', required(config, 'DATABASE_URL'), () =>
      retrying(() => pool.query('SELECT 1'), aborted.signal),
    );
    await migrate(pool, [needs.db!.migrationsDir]);
    return pool;
  }

  async function run(): Promise<void> {
    if ((options.args ?? process.argv.slice(2))[0] === 'migrate') {
      runMigrateCommand(logger, needs.db?.migrationsDir);
      return;
    }
    const config = options.readConfig();
    logger.level = config.LOG_LEVEL;
    const deps: Record<string, unknown> = { config, logger };
    if (needs.db) deps.pool = await openPool(config);
    if (needs.bus) {
      const url = required(config, 'NATS_URL');
      deps.bus = open.bus = await wait('nats', url, () =>
        Bus.connect({
          url,
          name,
          logger,
          stream: config.NATS_STREAM,
          subjectPrefix: config.NATS_SUBJECT_PREFIX,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
      );
    }
    if (needs.redis) {
      const url = required(config, 'REDIS_URL');
      // Commands fail fast while Redis is down (an event is redelivered, a health check answers 503);
      // a connection that must wait for Redis instead, like BullMQ's worker, is a duplicate of this one.
      const redis = (open.redis = new Redis(url));
      redis.on('error', (err) => logger.warn({ err }, 'redis connection error'));
      deps.redis = await wait('redis', url, () => redisReady(redis));
    }
    if (open.pool && open.bus) {
      open.relay = new OutboxRelay({ pool: open.pool, bus: open.bus, logger });
      await open.relay.start();
    }
    const started = await options.start(deps as ServiceDeps<C, N>);
    serviceSteps = started.shutdown ?? [];
    open.server = listenHttp(
      started.app,
      config.PORT,
      () => logger.info({ host: config.HOST, port: config.PORT }, `${name} listening`),
      config.HOST,
    );
  }

  return run().catch((err: unknown) => {
    // A signal during start-up aborts what was waiting; the shutdown in progress decides the exit code.
    if (aborted.signal.aborted) return;
    exitOnStartupError(logger)(err);
  });
}

function required(config: ServiceConfig, key: 'DATABASE_URL' | 'NATS_URL' | 'REDIS_URL'): string {
  const value = config[key];
  if (!value) throw new Error(`${key} is missing from the service's config`);
  return value;
}

/** host:port of each server in a URL or comma-separated list, without user names or passwords. */
export function addressOf(url: string): string {
  return url
    .split(',')
    .map((one) => {
      const withScheme = one.includes('://') ? one.trim() : `nats://${one.trim()}`;
      try {
        const parsed = new URL(withScheme);
        return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
      } catch {
        return 'an unparsable address';
      }
    })
    .join(',');
}

/**
 * Resolves with what `ready` resolves to. Until then logs a line every few seconds naming the dependency
 * and its address; rejects at once when the signal aborts (the process is shutting down).
 */
export async function waitForDependency<T>(options: {
  dependency: string;
  address: string;
  ready: () => Promise<T>;
  logger: Logger;
  signal: AbortSignal;
  everyMs?: number;
}): Promise<T> {
  const { dependency, address, logger, signal, everyMs = 5_000 } = options;
  let timer: NodeJS.Timeout | undefined;
  const log = (delay: number) => {
    timer = setTimeout(() => {
      logger.warn({ dependency, address }, `waiting for ${dependency} at ${address}`);
      log(everyMs);
    }, delay);
  };
  log(1_000);
  let onAbort: () => void = () => undefined;
  try {
    return await Promise.race([
      options.ready(),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        if (signal.aborted) onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** Tries `attempt` every half second until it succeeds or the signal aborts. */
async function retrying<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (signal.aborted) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function redisReady(redis: Redis): Promise<Redis> {
  if (redis.status === 'ready') return Promise.resolve(redis);
  return new Promise((resolve) => redis.once('ready', () => resolve(redis)));
}

/**
 * Closes a Redis connection on shutdown. quit() waits for a connection that may never come, and for a
 * reply a stalled link may never carry; a client that is not ready, or whose QUIT fails, is just dropped
 * (nothing is pending on it by then, so there is nothing to lose).
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}
