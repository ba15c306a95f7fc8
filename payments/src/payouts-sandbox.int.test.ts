import { randomUUID } from 'node:crypto';
import { anOrderUpdated, eventually, sessionCookie } from '@microtick/devstack';
import request from 'supertest';
import { findOrder } from './store/orders';
import { startPaymentsUnderTest, expiresIn, type PaymentsUnderTest } from './testing/payments-under-test';

let payments: PaymentsUnderTest;
beforeAll(async () => {
  payments = await startPaymentsUnderTest({ env: { APP_URL: 'http://localhost:3000' }, payouts: true });
});
afterAll(() => payments.stop());

describe('payouts on the sandbox gateway (no STRIPE_SECRET_KEY)', () => {
  it('onboards on the local page with one click, then pays the seller of a completed sale', async () => {
    const seller = sessionCookie();
    const link = await request(payments.app)
      .post('/api/payments/payout-account')
      .set('Cookie', seller.cookie)
      .send({})
      .expect(200);
    const url = new URL(link.body.url);
    expect(url.origin + url.pathname).toBe('http://localhost:3000/get-paid/sandbox-onboarding');
    expect(url.searchParams.get('account')).toMatch(/^acct_sandbox_/);
    const status = async () =>
      (await request(payments.app).get('/api/payments/payout-account').set('Cookie', seller.cookie)).body.status;
    expect(await status()).toBe('pending');

    await request(payments.app)
      .post('/api/payments/payout-account/sandbox-onboarding')
      .set('Cookie', seller.cookie)
      .send({})
      .expect(200, { status: 'active' });
    expect(await status()).toBe('active');

    const buyer = sessionCookie();
    const order = await payments.announceOrder({
      userId: buyer.user.id,
      expiresAt: expiresIn(15 * 60_000),
      ticket: { id: randomUUID(), price: 2500, sellerId: seller.user.id },
    });
    await request(payments.app)
      .post('/api/payments')
      .set('Cookie', buyer.cookie)
      .send({ orderId: order.id, paymentMethod: 'pm_card_visa' })
      .expect(201);
    await payments.bus.publish('order.updated', anOrderUpdated(order, 'complete', 1));
    await eventually(async () => (await findOrder(payments.pool, order.id))?.status === 'complete');

    const earnings = await eventually(async () => {
      const res = await request(payments.app).get('/api/payments/earnings').set('Cookie', seller.cookie).expect(200);
      expect(res.body.earnings[0]?.status).toBe('transferred');
      return res.body;
    });
    expect(earnings).toEqual({
      earnings: [expect.objectContaining({ orderId: order.id, amount: 22.5, fee: 2.5, status: 'transferred' })],
      totals: { pending: 0, transferred: 22.5, reversed: 0 },
    });
  });

  it('answers 404 to the sandbox onboarding of a seller with no account, and 401 signed out', async () => {
    await request(payments.app)
      .post('/api/payments/payout-account/sandbox-onboarding')
      .set('Cookie', sessionCookie().cookie)
      .send({})
      .expect(404);
    await request(payments.app).post('/api/payments/payout-account/sandbox-onboarding').send({}).expect(401);
  });
});
