// Test-only: the auth service wired to the harness's real PostgreSQL and Redis.
import {
  closeTestRateLimitStores,
  createTestDatabase,
  testLogger,
  testMailEnv,
  testNatsUrl,
  testRateLimitStore,
  testSessionEnv,
} from '@microtick/devstack';
import { createMailer, type Mailer } from '@microtick/common';
import type { Express } from 'express';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { migrationsDir } from '../store/migrations';

export interface AuthUnderTest {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  /**
   * The service's app with these environment variables on top of the test defaults; each app counts
   * its rate limits in a fresh set of Redis keys.
   */
  app(env?: Record<string, string | undefined>): Express;
  /** `count` apps configured alike that count their rate limits in one set of Redis keys, as replicas do. */
  replicas(count: number, env?: Record<string, string | undefined>): Express[];
  stop(): Promise<void>;
}

/** A fresh database; each app() is the service as configured by its environment. */
export async function startAuthUnderTest(): Promise<AuthUnderTest> {
  const db = await createTestDatabase([migrationsDir]);
  const mailers: Mailer[] = [];
  const build = (env: Record<string, string | undefined>, redis: ReturnType<typeof testRateLimitStore>) => {
    const config = readConfig({
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      ...testSessionEnv(),
      ...testMailEnv(),
      AUTH_RATE_LIMIT: '1000',
      ...env,
    });
    const mailer = createMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, logger: testLogger });
    mailers.push(mailer);
    return buildApp({ pool: db.pool, config, logger: testLogger, redis, mailer });
  };
  return {
    db,
    app: (env = {}) => build(env, testRateLimitStore()),
    replicas(count, env = {}) {
      const redis = testRateLimitStore();
      return Array.from({ length: count }, () => build(env, redis));
    },
    async stop() {
      await Promise.all(mailers.map((mailer) => mailer.close()));
      await closeTestRateLimitStores();
      await db.drop();
    },
  };
}
