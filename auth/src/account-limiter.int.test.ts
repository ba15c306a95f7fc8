import {
  closeTestRateLimitStores,
  createTestDatabase,
  testLogger,
  testNatsUrl,
  testRateLimitStore,
  testSessionEnv,
} from '@microtick/common/testing';
import request from 'supertest';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';

// Found by e2e/hostile-input: the per-account limiter's key was String(email), which throws for some objects.
let db: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  db = await createTestDatabase([migrationsDir]);
});
afterAll(async () => {
  await closeTestRateLimitStores();
  await db.drop();
});

describe('POST /api/users/signin with an email that is not a string', () => {
  it.each<unknown>([{ toString: 'x', valueOf: 1 }, { toString: 1 }, ['a@example.com'], 42, null])(
    'answers %j with 400 in the error shape',
    async (email) => {
      const config = readConfig({
        DATABASE_URL: db.url,
        NATS_URL: testNatsUrl(),
        ...testSessionEnv(),
        AUTH_RATE_LIMIT: '1000',
      });
      const app = buildApp({ pool: db.pool, config, logger: testLogger, redis: testRateLimitStore() });
      const res = await request(app).post('/api/users/signin').send({ email, password: 'whatever it is' }).expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Email must be a string', field: 'email' }] });
    },
  );
});
