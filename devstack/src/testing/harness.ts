import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { CaughtMail } from '../mail/mail-catcher';
import {
  Bus,
  commonMigrationsDir,
  createLogger,
  createPool,
  migrate,
  loadSigningKeys,
  localKeys,
  SESSION_COOKIE,
  sessionVerifier,
  signSession,
  type Logger,
  type SessionVerifier,
  type UserPayload,
} from '@microtick/common';

/** Test helpers over the servers started by global-setup. Each test file gets isolated resources. */

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through Jest so the harness starts the servers`);
  return value;
}

export const testLogger: Logger = createLogger('test', process.env.LOG_LEVEL ?? 'silent');

/**
 * The test run's session key pair (auth's AUTH_SIGNING_KEY in tests): RSA-2048 as in production, made once
 * per process (about 100 ms).
 */
export const TEST_SIGNING_KEY_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
export const testSessionKeys = loadSigningKeys(TEST_SIGNING_KEY_PEM);
export const TEST_SESSION_TTL_SECONDS = 3600;

/**
 * What every service's readConfig needs in tests for sessions and limits. Services under test get
 * testSessionVerifier() injected, so the JWKS URL is never fetched.
 */
export const testSessionEnv = () => ({
  AUTH_SIGNING_KEY: TEST_SIGNING_KEY_PEM,
  AUTH_JWKS_URL: 'http://127.0.0.1:9/not-fetched-in-tests',
  REDIS_URL: required('TEST_REDIS_URL'),
  SESSION_TTL_SECONDS: String(TEST_SESSION_TTL_SECONDS),
});

/** What a service under test verifies sessions with: the test key, and nothing revoked. */
export function testSessionVerifier(): SessionVerifier {
  return sessionVerifier({
    keys: localKeys(testSessionKeys.jwks),
    maxAgeSeconds: TEST_SESSION_TTL_SECONDS,
    isRevoked: () => false,
  });
}

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

const rateLimitStores: Redis[] = [];

/**
 * A connection to the test Redis for rate limits, with counters of its own (a fresh key prefix), so
 * limits never leak between tests; pass the same one to two apps to make them share a budget.
 */
export function testRateLimitStore(): Redis {
  const redis = new Redis(required('TEST_REDIS_URL'), { keyPrefix: `${testRedisPrefix()}:`, maxRetriesPerRequest: 1 });
  rateLimitStores.push(redis);
  return redis;
}

export async function closeTestRateLimitStores(): Promise<void> {
  await Promise.all(rateLimitStores.splice(0).map((redis) => redis.quit().catch(() => undefined)));
}

/** A session cookie for a made-up user, as the auth service would set it (signed with the test key). */
export function sessionCookie(user: Partial<UserPayload> = {}): { cookie: string; user: UserPayload } {
  const full: UserPayload = { id: user.id ?? randomUUID(), email: user.email ?? `user-${randomUUID()}@example.com` };
  const token = signSession(full, {
    key: testSessionKeys.signing,
    sessionId: randomUUID(),
    ttlSeconds: TEST_SESSION_TTL_SECONDS,
  });
  return { cookie: `${SESSION_COOKIE}=${token}`, user: full };
}

/** The test run's SMTP server, which keeps every message (devstack/src/mail). */
export const testSmtpUrl = () => required('TEST_SMTP_URL');

/** What a service that sends email reads in tests: the test SMTP server, and the origin links point to. */
export const testMailEnv = () => ({ SMTP_URL: testSmtpUrl(), APP_URL: 'http://localhost:3000' });

/** Every message the SMTP server at mailWebUrl has kept for an address, newest first. */
export async function mailTo(address: string, mailWebUrl = required('TEST_MAIL_WEB_URL')): Promise<CaughtMail[]> {
  return mailIn(mailWebUrl, `?to=${encodeURIComponent(address)}`);
}

/** Every message the SMTP server at mailWebUrl has kept, newest first (`query`: the API's filter, e.g. ?to=). */
export async function mailIn(mailWebUrl: string, query = ''): Promise<CaughtMail[]> {
  const res = await fetch(`${mailWebUrl}/dev/mail/api/messages${query}`);
  if (!res.ok) throw new Error(`mail server answered ${res.status}`);
  return ((await res.json()) as { messages: CaughtMail[] }).messages;
}

/**
 * A fresh database (createTestDatabase) for the test file, or for each test with `{ each: 'test' }`,
 * made and dropped by the file's hooks: read `.pool` inside a test or hook.
 */
export function testDatabase(migrationDirs: string[], { each = 'file' }: { each?: 'file' | 'test' } = {}) {
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const [before, after] = each === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    db = await createTestDatabase(migrationDirs);
  });
  after(async () => {
    await db?.drop();
    db = undefined;
  });
  return {
    get pool(): pg.Pool {
      if (!db) throw new Error('testDatabase: read .pool inside a test or hook');
      return db.pool;
    },
  };
}
