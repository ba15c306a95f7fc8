import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Pool } from '@microtick/common';
import { sessionCookie } from '@microtick/devstack';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { seedOrder, startPaymentsUnderTest, type PaymentsUnderTest } from './testing/payments-under-test';

let payments: PaymentsUnderTest;
let pool: Pool;
let app: Express;
const logLines: string[] = [];

beforeAll(async () => {
  const capture = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  payments = await startPaymentsUnderTest({ gatewayLogger: pino(capture), relay: false, listeners: false });
  ({ pool, app } = payments);
});
afterAll(() => payments.stop());

const givenOrder = async (userId: string) =>
  (await seedOrder(pool, { userId, ticket: { id: randomUUID(), price: 1500, sellerId: randomUUID() } })).id;

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
