import { randomUUID } from 'node:crypto';
import type { Pool } from '@microtick/common';
import { sessionCookie } from '@microtick/devstack';
import type { Express } from 'express';
import request from 'supertest';
import { recordSucceededCharge } from '../store/payments';
import { seedOrder, startPaymentsUnderTest, type PaymentsUnderTest } from '../testing/payments-under-test';

let payments: PaymentsUnderTest;
let pool: Pool;
let app: Express;
beforeAll(async () => {
  payments = await startPaymentsUnderTest({ relay: false, listeners: false });
  ({ pool, app } = payments);
});
afterAll(() => payments.stop());

async function givenOrder(userId: string, paid: boolean): Promise<string> {
  const { id } = await seedOrder(pool, { userId, ticket: { id: randomUUID(), price: 123450, sellerId: randomUUID() } });
  if (paid)
    await recordSucceededCharge(pool, {
      orderId: id,
      providerPaymentId: `pi_${id}`,
      amountCents: 123450,
      currency: 'usd',
    });
  return id;
}

describe('GET /api/payments/receipts/:orderId', () => {
  it('shows the buyer the amount, the payment reference and when they paid', async () => {
    const buyer = sessionCookie();
    const orderId = await givenOrder(buyer.user.id, true);
    const res = await request(app).get(`/api/payments/receipts/${orderId}`).set('Cookie', buyer.cookie).expect(200);
    expect(res.body).toEqual({
      orderId,
      amount: 1234.5,
      currency: 'usd',
      reference: `pi_${orderId}`,
      paidAt: expect.any(String),
    });
    expect(Date.now() - Date.parse(res.body.paidAt)).toBeLessThan(60_000);
  });

  it('answers 404 for an unpaid order, another buyer’s order and a malformed id, and 401 signed out', async () => {
    const buyer = sessionCookie();
    const unpaid = await givenOrder(buyer.user.id, false);
    const othersPaid = await givenOrder(randomUUID(), true);
    for (const id of [unpaid, othersPaid, 'not-an-id']) {
      const res = await request(app).get(`/api/payments/receipts/${id}`).set('Cookie', buyer.cookie).expect(404);
      expect(res.body).toEqual({ errors: [{ message: 'Receipt not found' }] });
    }
    await request(app).get(`/api/payments/receipts/${othersPaid}`).expect(401);
  });
});
