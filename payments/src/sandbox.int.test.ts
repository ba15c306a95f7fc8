import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Bus, Pool } from '@microtick/common';
import {
  connectTestBus,
  createTestDatabase,
  sessionCookie,
  testSessionEnv,
  testSessionVerifier,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/devstack';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { buildApp } from './app';
import { readConfig } from './config';
import { insertOrder, markTicketHeld } from './store/orders';
import { migrationsDir } from './store/migrations';
import { createGateway } from './gateway';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let bus: Bus;
let app: Express;
const logLines: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase([migrationsDir]);
  pool = db.pool;
  bus = await connectTestBus(testBusNamespace());
  const config = readConfig({ DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv() });
  const capture = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  const gateway = createGateway(config, pino(capture));
  app = buildApp({
    pool,
    bus,
    gateway,
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

async function givenOrder(userId: string) {
  const id = randomUUID();
  await insertOrder(pool, {
    id,
    userId,
    status: 'created',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ticket: { id: randomUUID(), price: 1500 },
    version: 0,
  });
  await markTicketHeld(pool, id);
  return id;
}

describe('the sandbox gateway (no STRIPE_SECRET_KEY)', () => {
  it('warns at start-up that no real card is charged', () => {
    expect(logLines.join('')).toMatch(/SANDBOX payment gateway/);
  });

  it('accepts pm_card_visa with 201, once per order', async () => {
    const { cookie, user } = sessionCookie();
    const orderId = await givenOrder(user.id);
    const res = await request(app)
      .post('/api/payments')
      .set('Cookie', cookie)
      .send({ orderId, paymentMethod: 'pm_card_visa' })
      .expect(201);
    expect(res.body).toEqual({ id: expect.any(String), orderId, status: 'succeeded' });
    await request(app)
      .post('/api/payments')
      .set('Cookie', cookie)
      .send({ orderId, paymentMethod: 'pm_card_visa' })
      .expect(409);
    const { rows } = await pool.query('SELECT amount_cents, currency, status FROM payments WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows).toEqual([{ amount_cents: 1500, currency: 'usd', status: 'succeeded' }]);
  });

  it('declines pm_card_chargeDeclined with 402 "Your card was declined." and records nothing', async () => {
    const { cookie, user } = sessionCookie();
    const orderId = await givenOrder(user.id);
    const res = await request(app)
      .post('/api/payments')
      .set('Cookie', cookie)
      .send({ orderId, paymentMethod: 'pm_card_chargeDeclined' })
      .expect(402);
    expect(res.body).toEqual({ errors: [{ message: 'Your card was declined.' }] });
    const { rows } = await pool.query('SELECT 1 FROM payments WHERE order_id = $1', [orderId]);
    expect(rows).toHaveLength(0);
  });

  it('rejects any other payment method with 400 naming paymentMethod', async () => {
    const { cookie, user } = sessionCookie();
    const orderId = await givenOrder(user.id);
    const res = await request(app)
      .post('/api/payments')
      .set('Cookie', cookie)
      .send({ orderId, paymentMethod: 'pm_card_threeDSecure2Required' })
      .expect(400);
    expect(res.body.errors).toEqual([{ message: expect.stringContaining('pm_card_visa'), field: 'paymentMethod' }]);
  });

  it('refuses webhooks with 400 when no webhook secret is configured', async () => {
    await request(app)
      .post('/api/payments/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', 't=1,v1=x')
      .send('{}')
      .expect(400);
  });
});
