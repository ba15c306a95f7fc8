import { configFragments as f, loadConfig } from './config';
import { createPool } from './db/pool';
import { migrate } from './db/migrate';
import type { Logger } from './logger';

/**
 * Applies the service's migrations and returns their names. Needs only DATABASE_URL: no bus, no Redis,
 * no port, so it runs as an init container or Job before new pods take traffic. A service without a
 * database (no migrationsDir) has nothing to do.
 */
export async function applyMigrations(
  logger: Logger,
  migrationsDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  if (!migrationsDir) {
    logger.info('no database: nothing to migrate');
    return [];
  }
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: f.databaseUrl }, env);
  const pool = createPool(DATABASE_URL, 1, (err) => logger.warn({ err }, 'database connection lost'));
  try {
    const applied = await migrate(pool, [migrationsDir]);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database already migrated');
    return applied;
  } finally {
    await pool.end();
  }
}

/** The `migrate` command: exits 0 once the migrations are applied, 1 with a "migrate failed" log line. */
export function runMigrateCommand(logger: Logger, migrationsDir?: string): void {
  applyMigrations(logger, migrationsDir).then(
    () => process.exit(0),
    (err: unknown) => {
      if (err instanceof Error && err.name === 'ConfigError') console.error(err.message);
      logger.fatal({ err }, 'migrate failed');
      process.exit(1);
    },
  );
}
