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
  stop(): Promise<void>;
}

/** A fresh database; each app() is the service as configured by its environment. */
export async function startAuthUnderTest(): Promise<AuthUnderTest> {
  const db = await createTestDatabase([migrationsDir]);
  const mailers: Mailer[] = [];
  return {
    db,
    app(env = {}) {
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
      return buildApp({ pool: db.pool, config, logger: testLogger, redis: testRateLimitStore(), mailer });
    },
    async stop() {
      await Promise.all(mailers.map((mailer) => mailer.close()));
      await closeTestRateLimitStores();
      await db.drop();
    },
  };
}
