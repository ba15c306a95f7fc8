import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  Bus,
  commonMigrationsDir,
  createLogger,
  createPool,
  migrate,
  SESSION_COOKIE,
  signSession,
  type Logger,
  type UserPayload,
} from '@microtick/common';

/** Test helpers over the servers started by global-setup. Each test file gets isolated resources. */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through Jest so the harness starts the servers`);
  return value;
}

export const testLogger: Logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');
export const TEST_JWT_KEY = 'test-jwt-key-that-is-long-enough-for-hs256-0123456789';

const urlFor = (database: string) => {
  const url = new URL(required('TEST_PG_URL'));
  url.pathname = `/${database}`;
  return url.toString();
};

function migrationsHash(dirs: string[]): string {
  const hash = createHash('sha256');
  for (const dir of [commonMigrationsDir, ...dirs]) {
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      hash.update(file).update(readFileSync(path.join(dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A fresh database for one test file, cloned from a template migrated once per set of migrations
 * (fast: CREATE DATABASE ... TEMPLATE copies files instead of re-running SQL).
 */
export async function createTestDatabase(
  migrationDirs: string[],
): Promise<{ pool: pg.Pool; url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  const template = `tmpl_${migrationsHash(migrationDirs)}`;
  const name = `test_${randomUUID().replace(/-/g, '')}`;
  try {
    await admin.query('SELECT pg_advisory_lock(42)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const templatePool = createPool(urlFor(template), 1);
      try {
        await migrate(templatePool, migrationDirs);
      } finally {
        await templatePool.end();
      }
    }
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(42)').catch(() => undefined);
    await admin.end();
  }
  const url = urlFor(name);
  const pool = createPool(url, 20);
  return {
    pool,
    url,
    async drop() {
      await pool.end().catch(() => undefined);
      const dropper = new pg.Client({ connectionString: urlFor('postgres') });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await dropper.end();
    },
  };
}

/** A private stream and subject prefix on the shared nats-server, so test files never see each other's events. */
export function testBusNamespace(): { stream: string; subjectPrefix: string } {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  return { stream: `T_${id}`, subjectPrefix: `t${id}.` };
}

export async function connectTestBus(namespace = testBusNamespace(), name = 'test'): Promise<Bus> {
  return Bus.connect({ url: required('TEST_NATS_URL'), name, logger: testLogger, ...namespace });
}

export const testNatsUrl = () => required('TEST_NATS_URL');
export const testRedisUrl = () => required('TEST_REDIS_URL');
/** A key prefix so queues of parallel test files never share Redis keys. */
export const testRedisPrefix = () => `t${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** A session cookie for a made-up user, as the auth service would set it. */
export function sessionCookie(user: Partial<UserPayload> = {}): { cookie: string; user: UserPayload } {
  const full: UserPayload = { id: user.id ?? randomUUID(), email: user.email ?? `user-${randomUUID()}@example.com` };
  const token = signSession(full, { jwtKey: TEST_JWT_KEY, ttlSeconds: 3600 });
  return { cookie: `${SESSION_COOKIE}=${token}`, user: full };
}
