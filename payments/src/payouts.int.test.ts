import { randomUUID } from 'node:crypto';
import { withTransaction, type EventData } from '@microtick/common';
import { anOrderUpdated, eventually, sessionCookie, testLogger } from '@microtick/devstack';
import Stripe from 'stripe';
import request from 'supertest';
import type { PayoutGateway } from './gateway';
import { findOrder } from './store/orders';
import { markForRefund } from './store/payments';
import { PayoutWorker } from './store/payout-worker';
import { refundPendingPayments } from './store/refunds';
import { startFakeStripe, type FakeStripe } from './testing/fake-stripe';
import { expiresIn, startPaymentsUnderTest, type PaymentsUnderTest } from './testing/payments-under-test';

const WEBHOOK_SECRET = 'whsec_platform_secret';
const CONNECT_WEBHOOK_SECRET = 'whsec_connect_secret';

let payments: PaymentsUnderTest;
let fake: FakeStripe;

beforeAll(async () => {
  fake = await startFakeStripe();
  payments = await startPaymentsUnderTest({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_fake',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_CONNECT_WEBHOOK_SECRET: CONNECT_WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.url,
    },
  });
});

afterAll(async () => {
  await payments.stop();
  await fake.close();
});

type Seller = ReturnType<typeof sessionCookie>;

async function connect(seller: Seller): Promise<string> {
  const res = await request(payments.app)
    .post('/api/payments/payout-account')
    .set('Cookie', seller.cookie)
    .send({})
    .expect(200);
  expect(res.body.url).toMatch(/\/connect\/setup\/acct_/);
  return [...fake.accounts.values()].find((a) => a.metadata.userId === seller.user.id)!.id;
}

const postWebhook = ({ payload, signature }: { payload: string; signature: string }) =>
  request(payments.app)
    .post('/api/payments/webhook')
    .set('Content-Type', 'application/json')
    .set('Stripe-Signature', signature)
    .send(payload);

/** The seller finishes Stripe's onboarding, and Stripe tells payments on the Connect endpoint. */
async function finishOnboarding(accountId: string) {
  const account = fake.completeOnboarding(accountId);
  await postWebhook(fake.signedEvent('account.updated', account, CONNECT_WEBHOOK_SECRET)).expect(200);
}

async function connectedSeller(): Promise<Seller> {
  const seller = sessionCookie();
  await finishOnboarding(await connect(seller));
  return seller;
}

/**
 * A buyer orders the seller's ticket, pays it, and orders completes the order (order.updated complete).
 * No seller: an order.created from before it carried one.
 */
async function sell(seller: Seller | null, price: number): Promise<EventData<'order.created'>> {
  const buyer = sessionCookie();
  const order = await payments.announceOrder({
    userId: buyer.user.id,
    expiresAt: expiresIn(15 * 60_000),
    ticket: { id: randomUUID(), price, sellerId: seller?.user.id ?? null },
  });
  await request(payments.app)
    .post('/api/payments')
    .set('Cookie', buyer.cookie)
    .send({ orderId: order.id, paymentMethod: 'pm_card_visa' })
    .expect(201);
  await completeOrder(order);
  return order;
}

async function completeOrder(order: EventData<'order.created'>) {
  await payments.bus.publish('order.updated', anOrderUpdated(order, 'complete', 1));
  await eventually(async () => (await findOrder(payments.pool, order.id))?.status === 'complete');
}

const earningOf = async (orderId: string) =>
  (
    await payments.pool.query(
      `SELECT id, status, share_cents, fee_cents, pending_reason, provider_transfer_id, provider_reversal_id
       FROM earnings WHERE order_id = $1`,
      [orderId],
    )
  ).rows;

/** A payout worker whose transfers reach Stripe, after which its process "dies" before recording them. */
function dyingWorker(leaseMs: number): PayoutWorker {
  const dying: PayoutGateway = Object.create(payments.gateway);
  dying.transfer = async (transfer) => {
    await payments.gateway.transfer(transfer);
    return new Promise(() => undefined);
  };
  return new PayoutWorker({ pool: payments.pool, gateway: dying, logger: testLogger, leaseMs });
}

const transfersFor = (orderId: string) => fake.transfers.filter((t) => t.metadata.orderId === orderId);
const transferCallsFor = (earningId: string) =>
  fake.requests.filter((r) => r.path === '/v1/transfers' && r.idempotencyKey === `transfer-${earningId}`);

describe('payout account', () => {
  it.each([
    ['post', '/api/payments/payout-account'],
    ['get', '/api/payments/payout-account'],
    ['get', '/api/payments/earnings'],
  ] as const)('%s %s answers 401 when signed out', async (method, path) => {
    const res = await request(payments.app)[method](path).expect(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not signed in' }] });
  });

  it('is none, then pending once created (one Express account however often the link is asked for), then active', async () => {
    const seller = sessionCookie();
    const status = async () =>
      (await request(payments.app).get('/api/payments/payout-account').set('Cookie', seller.cookie).expect(200)).body;
    expect(await status()).toEqual({ status: 'none' });
    const accountId = await connect(seller);
    await connect(seller);
    expect([...fake.accounts.values()].filter((a) => a.metadata.userId === seller.user.id)).toHaveLength(1);
    expect(fake.accounts.get(accountId)).toMatchObject({ type: 'express' });
    expect(await status()).toEqual({ status: 'pending' });
    await finishOnboarding(accountId);
    expect(await status()).toEqual({ status: 'active' });
  });

  it('ignores an account.updated older than the one applied (Stripe delivers out of order)', async () => {
    const seller = sessionCookie();
    const accountId = await connect(seller);
    await finishOnboarding(accountId);
    const stale = JSON.parse(fake.signedEvent('account.updated', {}, CONNECT_WEBHOOK_SECRET).payload);
    const payload = JSON.stringify({
      ...stale,
      created: stale.created - 60,
      data: { object: { ...fake.accounts.get(accountId), capabilities: { transfers: 'inactive' } } },
    });
    await postWebhook({
      payload,
      signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: CONNECT_WEBHOOK_SECRET }),
    }).expect(200);
    const res = await request(payments.app).get('/api/payments/payout-account').set('Cookie', seller.cookie);
    expect(res.body).toEqual({ status: 'active' });
  });

  it('answers the sandbox onboarding route 404 with real Stripe, leaving a pending account pending', async () => {
    const seller = sessionCookie();
    await connect(seller);
    const res = await request(payments.app)
      .post('/api/payments/payout-account/sandbox-onboarding')
      .set('Cookie', seller.cookie)
      .send({})
      .expect(404);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
    const status = await request(payments.app).get('/api/payments/payout-account').set('Cookie', seller.cookie);
    expect(status.body).toEqual({ status: 'pending' });
  });

  it('refuses a Connect event signed with neither secret', async () => {
    const seller = sessionCookie();
    const accountId = await connect(seller);
    const forged = fake.signedEvent('account.updated', fake.completeOnboarding(accountId), 'whsec_someone_else');
    await postWebhook(forged).expect(400);
    const res = await request(payments.app).get('/api/payments/payout-account').set('Cookie', seller.cookie);
    expect(res.body).toEqual({ status: 'pending' });
  });
});

describe('a completed sale pays its seller', () => {
  it('transfers the share once, fee and share to the cent, funded by the charge, even when order.updated comes twice', async () => {
    const seller = await connectedSeller();
    const order = await sell(seller, 1999);
    await payments.bus.publish('order.updated', anOrderUpdated(order, 'complete', 1)); // redelivered
    await payments.payouts.runOnce();
    await payments.payouts.runOnce();

    const [earning] = await earningOf(order.id);
    expect(earning).toMatchObject({ status: 'transferred', share_cents: 1800, fee_cents: 199, pending_reason: null });
    const transfers = transfersFor(order.id);
    expect(transfers).toHaveLength(1);
    const charge = fake.charges().find((i) => i.metadata.orderId === order.id)!;
    expect(transfers[0]).toMatchObject({
      id: earning.provider_transfer_id,
      amount: 1800,
      currency: 'usd',
      destination: [...fake.accounts.values()].find((a) => a.metadata.userId === seller.user.id)!.id,
      source_transaction: charge.latest_charge,
    });
    expect(transferCallsFor(earning.id)).toHaveLength(1);
    expect((await payments.pool.query('SELECT 1 FROM earnings WHERE order_id = $1', [order.id])).rowCount).toBe(1);

    const res = await request(payments.app).get('/api/payments/earnings').set('Cookie', seller.cookie).expect(200);
    expect(res.body).toEqual({
      earnings: [
        {
          orderId: order.id,
          ticketId: order.ticket.id,
          amount: 18,
          fee: 1.99,
          currency: 'usd',
          status: 'transferred',
          createdAt: expect.any(String),
        },
      ],
      totals: { pending: 0, transferred: 18, reversed: 0 },
    });
  });

  it('pays once when the worker dies between the Stripe call and recording its result', async () => {
    const seller = await connectedSeller();
    const order = await sell(seller, 5000);
    // This worker's transfer reaches Stripe, then its process "dies": the result is never recorded.
    void dyingWorker(300).runOnce();
    await eventually(async () => transfersFor(order.id).length === 1);
    const [claimed] = await earningOf(order.id);
    expect(claimed).toMatchObject({ status: 'pending', provider_transfer_id: null });

    // Its replacement finds the earning once the lease has run out and repeats the call with the same key.
    const restarted = new PayoutWorker({
      pool: payments.pool,
      gateway: payments.gateway,
      logger: testLogger,
      leaseMs: 300,
    });
    await eventually(async () => {
      await restarted.runOnce();
      return (await earningOf(order.id))[0].status === 'transferred';
    });
    const [earning] = await earningOf(order.id);
    expect(transfersFor(order.id)).toHaveLength(1);
    expect(earning.provider_transfer_id).toBe(transfersFor(order.id)[0].id);
    expect(transferCallsFor(earning.id).map((r) => r.replayed)).toEqual([false, true]);
  });

  it('keeps the earning pending with a reason until account.updated says the account can receive, then transfers it', async () => {
    const seller = sessionCookie();
    const order = await sell(seller, 4250);
    await payments.payouts.runOnce();
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'pending', pending_reason: 'the seller has not set up a payout account' }),
    ]);

    const accountId = await connect(seller);
    await payments.payouts.runOnce();
    expect(transfersFor(order.id)).toHaveLength(0);
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ pending_reason: 'the seller has not finished payout account onboarding' }),
    ]);
    const res = await request(payments.app).get('/api/payments/earnings').set('Cookie', seller.cookie).expect(200);
    expect(res.body.earnings).toEqual([
      expect.objectContaining({ amount: 38.25, fee: 4.25, status: 'pending', pendingReason: expect.any(String) }),
    ]);
    expect(res.body.totals).toEqual({ pending: 38.25, transferred: 0, reversed: 0 });

    await finishOnboarding(accountId);
    await payments.payouts.runOnce();
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'transferred', share_cents: 3825, fee_cents: 425 }),
    ]);
    expect(transfersFor(order.id)).toEqual([expect.objectContaining({ amount: 3825, destination: accountId })]);
  });

  it('keeps an order from before sellers were carried pending with its reason, paying nobody', async () => {
    const order = await sell(null, 1000);
    await payments.payouts.runOnce();
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'pending', pending_reason: expect.stringMatching(/seller unknown/) }),
    ]);
    expect(transfersFor(order.id)).toHaveLength(0);
  });
});

describe('transfer webhooks', () => {
  it('record a transfer whose result a dying worker lost (transfer.created), and a reversal made in the Dashboard', async () => {
    const seller = await connectedSeller();
    const order = await sell(seller, 2000);
    void dyingWorker(60_000).runOnce();
    await eventually(async () => transfersFor(order.id).length === 1);
    const [transfer] = transfersFor(order.id);

    await postWebhook(fake.signedEvent('transfer.created', transfer, WEBHOOK_SECRET)).expect(200);
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'transferred', provider_transfer_id: transfer.id }),
    ]);

    const reversed = { ...transfer, reversed: true, reversals: { object: 'list', data: [{ id: 'trr_dashboard' }] } };
    await postWebhook(fake.signedEvent('transfer.reversed', reversed, WEBHOOK_SECRET)).expect(200);
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'reversed', provider_reversal_id: 'trr_dashboard' }),
    ]);
    expect(transfersFor(order.id)).toHaveLength(1);
  });
});

describe('a refund', () => {
  /** The existing refund path: the payment is marked for refund in a transaction, then refunded. */
  async function refund(orderId: string) {
    await withTransaction(payments.pool, (client) => markForRefund(client, orderId));
    await refundPendingPayments(payments.pool, payments.gateway, orderId, testLogger);
  }

  it('reverses the transfer, once', async () => {
    const seller = await connectedSeller();
    const order = await sell(seller, 3000);
    await payments.payouts.runOnce();
    const [paid] = await earningOf(order.id);
    expect(paid.status).toBe('transferred');

    await refund(order.id);
    await payments.payouts.runOnce();
    await payments.payouts.runOnce();
    const [earning] = await earningOf(order.id);
    expect(earning).toMatchObject({ status: 'reversed', provider_transfer_id: paid.provider_transfer_id });
    expect(fake.reversals.filter((r) => r.transfer === paid.provider_transfer_id)).toEqual([
      expect.objectContaining({ id: earning.provider_reversal_id, amount: 2700 }),
    ]);
    expect(
      fake.requests
        .filter((r) => r.path.endsWith('/reversals'))
        .filter((r) => r.idempotencyKey === `reversal-${earning.id}`),
    ).toHaveLength(1);
    const res = await request(payments.app).get('/api/payments/earnings').set('Cookie', seller.cookie).expect(200);
    expect(res.body.earnings).toEqual([expect.objectContaining({ status: 'reversed', amount: 27 })]);
    expect(res.body.totals).toEqual({ pending: 0, transferred: 0, reversed: 27 });
  });

  it('reverses the transfer when the charge is refunded in full outside payments (charge.refunded), once', async () => {
    const seller = await connectedSeller();
    const order = await sell(seller, 3000);
    await payments.payouts.runOnce();
    const {
      rows: [payment],
    } = await payments.pool.query('SELECT provider_payment_id FROM payments WHERE order_id = $1', [order.id]);
    const refunded = {
      id: `ch_${randomUUID()}`,
      object: 'charge',
      payment_intent: payment.provider_payment_id,
      refunded: true,
      refunds: { object: 'list', data: [{ id: 're_dashboard' }] },
    };
    const event = fake.signedEvent('charge.refunded', refunded, WEBHOOK_SECRET);
    await postWebhook(event).expect(200);
    await postWebhook(event).expect(200);
    await payments.payouts.runOnce();
    await payments.payouts.runOnce();

    const [earning] = await earningOf(order.id);
    expect(earning).toMatchObject({ status: 'reversed' });
    expect(fake.reversals.filter((r) => r.transfer === earning.provider_transfer_id)).toHaveLength(1);
    const { rows } = await payments.pool.query('SELECT status, provider_refund_id FROM payments WHERE order_id = $1', [
      order.id,
    ]);
    expect(rows).toEqual([{ status: 'refunded', provider_refund_id: 're_dashboard' }]);
  });

  it('cancels an earning never transferred without calling Stripe', async () => {
    const seller = sessionCookie();
    const order = await sell(seller, 3000);
    await refund(order.id);
    await payments.payouts.runOnce();
    expect(await earningOf(order.id)).toEqual([
      expect.objectContaining({ status: 'reversed', provider_transfer_id: null }),
    ]);
    expect(transfersFor(order.id)).toHaveLength(0);
  });
});
