import {
  closeServer,
  createLogger,
  createPool,
  exitOnStartupError,
  isMigrateCommand,
  listenHttp,
  migrate,
  onShutdown,
  runMigrateCommand,
} from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';

const logger = createLogger('auth');

async function main() {
  const config = readConfig();
  logger.level = config.LOG_LEVEL;
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, (err) =>
    logger.warn({ err }, 'idle database connection lost'),
  );
  await migrate(pool, [migrationsDir]);
  const server = listenHttp(buildApp({ pool, config, logger }), config.PORT, () =>
    logger.info({ port: config.PORT }, 'auth listening'),
  );
  onShutdown(logger, [
    ['http', () => closeServer(server)],
    ['database', () => pool.end()],
  ]);
}

if (isMigrateCommand()) runMigrateCommand(logger, migrationsDir);
else main().catch(exitOnStartupError(logger));
