import Stripe from 'stripe';
import request from 'supertest';
import { startPaymentsUnderTest, type PaymentsUnderTest } from '../testing/payments-under-test';

// Found by e2e/hostile-input: a correctly signed payload that is not an event answered 500.
const WEBHOOK_SECRET = 'whsec_regression_secret';
let payments: PaymentsUnderTest;
beforeAll(async () => {
  payments = await startPaymentsUnderTest({
    env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
    relay: false,
    listeners: false,
  });
});
afterAll(() => payments.stop());

describe('POST /api/payments/webhook with a signed payload that is not an event', () => {
  it.each(['[]', '{}', '{"id":5,"type":"payment_intent.succeeded"}', 'null'])(
    'answers %s with 400 and records nothing',
    async (payload) => {
      const res = await request(payments.app)
        .post('/api/payments/webhook')
        .set('Content-Type', 'application/json')
        .set('Stripe-Signature', Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }))
        .send(payload)
        .expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Invalid Stripe event' }] });
      const { rows } = await payments.pool.query('SELECT count(*)::int AS n FROM processed_stripe_events');
      expect(rows[0].n).toBe(0);
    },
  );
});
