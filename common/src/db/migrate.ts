import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/**
 * Finds `relative` in `start` or the nearest folder above it. Source files and bundled ones sit at
 * different depths (src/db/x.ts vs dist/index.js), so paths to SQL files are found, not hard-coded.
 */
export function findUp(start: string, relative: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${start}`);
  }
}

/** Migrations every service applies first: the outbox and processed-events tables. */
export const commonMigrationsDir = findUp(__dirname, 'common/migrations');

interface Migration {
  name: string;
  sql: string;
}

function readMigrations(dirs: string[]): Migration[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.sql'))
      .sort()
      .map((file) => ({ name: file, sql: readFileSync(path.join(dir, file), 'utf8') })),
  );
}

/**
 * Applies each SQL file once, in order (common first, then the service's), each in its own
 * transaction, recording it in schema_migrations. An advisory lock lets replicas start together.
 */
export async function migrate(pool: pg.Pool, dirs: string[]): Promise<string[]> {
  const migrations = readMigrations([commonMigrationsDir, ...dirs]);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(727274)');
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const done = new Set(rows.map((r) => r.name));
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(migration.name);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(727274)').catch(() => undefined);
    client.release();
  }
  return applied;
}
