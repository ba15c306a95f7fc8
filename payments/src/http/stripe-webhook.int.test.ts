import {
  connectTestBus,
  createTestDatabase,
  testSessionEnv,
  testSessionVerifier,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/devstack';
import type { Bus } from '@microtick/common';
import type { Express } from 'express';
import Stripe from 'stripe';
import request from 'supertest';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { migrationsDir } from '../store/migrations';
import { createGateway } from '../gateway';

// Found by e2e/hostile-input: a correctly signed payload that is not an event answered 500.
const WEBHOOK_SECRET = 'whsec_regression_secret';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bus: Bus;
let app: Express;

beforeAll(async () => {
  db = await createTestDatabase([migrationsDir]);
  bus = await connectTestBus(testBusNamespace());
  const config = readConfig({
    DATABASE_URL: db.url,
    NATS_URL: testNatsUrl(),
    ...testSessionEnv(),
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  app = buildApp({
    pool: db.pool,
    bus,
    gateway: createGateway(config, testLogger),
    config,
    logger: testLogger,
    sessions: testSessionVerifier(),
  });
});
afterAll(async () => {
  await bus.deleteStream();
  await bus.close();
  await db.drop();
});

describe('POST /api/payments/webhook with a signed payload that is not an event', () => {
  it.each(['[]', '{}', '{"id":5,"type":"payment_intent.succeeded"}', 'null'])(
    'answers %s with 400 and records nothing',
    async (payload) => {
      const res = await request(app)
        .post('/api/payments/webhook')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }))
        .send(payload)
        .expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Invalid Stripe event' }] });
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM processed_stripe_events');
      expect(rows[0].n).toBe(0);
    },
  );
});
