import { randomUUID } from 'node:crypto';
import type { Bus, EventData, Pool } from '@microtick/common';
import {
  anOrderCreated,
  anOrderUpdated,
  aTicketCreated,
  aTicketUpdated,
  collectEvents,
  eventually,
  sessionCookie,
  type CollectedEvents,
} from '@microtick/devstack';
import type { Express } from 'express';
import Stripe from 'stripe';
import request from 'supertest';
import { WAIT_FOR_ORDER } from './http/create-payment';
import { findOrder } from './store/orders';
import { startFakeStripe, type FakePaymentIntent, type FakeStripe } from './testing/fake-stripe';
import { expiresIn, startPaymentsUnderTest, type PaymentsUnderTest } from './testing/payments-under-test';

const WEBHOOK_SECRET = 'whsec_test_secret';

let payments: PaymentsUnderTest;
let pool: Pool;
let bus: Bus;
let fake: FakeStripe;
let app: Express;
let collector: CollectedEvents<'payment.created'>;

beforeAll(async () => {
  fake = await startFakeStripe();
  payments = await startPaymentsUnderTest({
    env: { STRIPE_SECRET_KEY: 'sk_test_fake', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: fake.url },
  });
  ({ pool, bus, app } = payments);
  collector = await collectEvents(bus, 'payment.created');
});

afterAll(async () => {
  await payments.stop();
  await fake.close();
});

/** An order as the orders service announces it, applied to the replica through the bus. */
const givenOrder = (options: { userId?: string; price?: number; expiresInMs?: number } = {}) =>
  payments.announceOrder({
    userId: options.userId ?? randomUUID(),
    expiresAt: expiresIn(options.expiresInMs ?? 15 * 60_000),
    ticket: { id: randomUUID(), price: options.price ?? 4250, sellerId: randomUUID() },
  });

async function updateOrder(order: EventData<'order.created'>, status: 'cancelled' | 'complete', version = 1) {
  await bus.publish('order.updated', anOrderUpdated(order, status, version));
  await eventually(async () => (await findOrder(pool, order.id))?.version === version);
}

const pay = (cookie: string | undefined, body: object) => {
  const req = request(app).post('/api/payments');
  return (cookie ? req.set('Cookie', cookie) : req).send(body);
};

const paymentsOf = async (orderId: string) =>
  (await pool.query('SELECT * FROM payments WHERE order_id = $1 ORDER BY created_at', [orderId])).rows;

const intentRequestsFor = (orderId: string) =>
  fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.params['metadata[orderId]'] === orderId);

function signedWebhook(type: string, intent: FakePaymentIntent, eventId = `evt_${randomUUID().replace(/-/g, '')}`) {
  const payload = JSON.stringify({ id: eventId, object: 'event', type, data: { object: intent } });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  return { payload, header, eventId };
}

const postWebhook = (payload: string, header?: string) => {
  const req = request(app).post('/api/payments/webhook').set('Content-Type', 'application/json');
  return (header ? req.set('Stripe-Signature', header) : req).send(payload);
};

describe('POST /api/payments', () => {
  it('answers 401 when not signed in, and charges nothing', async () => {
    const order = await givenOrder();
    const res = await pay(undefined, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not signed in' }] });
    expect(intentRequestsFor(order.id)).toHaveLength(0);
  });

  it.each([
    [{}, ['orderId', 'paymentMethod']],
    [{ orderId: randomUUID() }, ['paymentMethod']],
    [{ orderId: 42, paymentMethod: 'pm_card_visa' }, ['orderId']],
    [{ orderId: randomUUID(), paymentMethod: 'pm card; drop' }, ['paymentMethod']],
  ])('rejects %j with 400 naming %j', async (body, fields) => {
    const { cookie } = sessionCookie();
    const res = await pay(cookie, body).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
  });

  it("answers 404 for an unknown order, a malformed id and another user's order", async () => {
    const { cookie } = sessionCookie();
    const someoneElses = await givenOrder();
    for (const orderId of [randomUUID(), 'not-a-uuid', someoneElses.id]) {
      const res = await pay(cookie, { orderId, paymentMethod: 'pm_card_visa' }).expect(404);
      expect(res.body).toEqual({ errors: [{ message: 'Order not found' }] });
    }
    expect(intentRequestsFor(someoneElses.id)).toHaveLength(0);
  });

  it('charges only once tickets has reserved the ticket for the order (a withdrawal may have won the race there)', async () => {
    const { cookie, user } = sessionCookie();
    const order = anOrderCreated({
      userId: user.id,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      ticket: { id: randomUUID(), price: 1200, sellerId: randomUUID() },
    });
    await bus.publish('order.created', order);
    await eventually(() => findOrder(pool, order.id));
    await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(404);
    expect(intentRequestsFor(order.id)).toHaveLength(0);

    const ticket = aTicketCreated({ id: order.ticket.id, price: 1200 });
    // Another order's reservation of the same ticket does not make this one payable.
    await bus.publish(
      'ticket.updated',
      aTicketUpdated(ticket, { version: 1, status: 'reserved', orderId: randomUUID() }),
    );
    await bus.publish('ticket.updated', aTicketUpdated(ticket, { version: 2, status: 'reserved', orderId: order.id }));
    await eventually(async () => (await findOrder(pool, order.id))?.ticketHeld);
    await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(201);
  });

  it('holds a payment that arrives before the events which make its order payable, and charges it once they arrive', async () => {
    const { cookie, user } = sessionCookie();
    const order = anOrderCreated({
      userId: user.id,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
      ticket: { id: randomUUID(), price: 1500, sellerId: randomUUID() },
    });
    // The buyer pays the moment orders answered: neither order.created nor the reservation is here yet.
    const paying = pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).then((res) => res);
    await new Promise((r) => setTimeout(r, 100));
    await bus.publish('order.created', order);
    const ticket = aTicketCreated({ id: order.ticket.id, price: 1500 });
    await bus.publish('ticket.updated', aTicketUpdated(ticket, { version: 1, status: 'reserved', orderId: order.id }));
    expect((await paying).status).toBe(201);
    expect(intentRequestsFor(order.id)).toHaveLength(1);
  });

  it('answers 404 for an order whose events do not arrive within WAIT_FOR_ORDER, and charges nothing', async () => {
    const { cookie } = sessionCookie();
    const orderId = randomUUID();
    const started = Date.now();
    await pay(cookie, { orderId, paymentMethod: 'pm_card_visa' }).expect(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_FOR_ORDER.timeoutMs - 50);
    expect(intentRequestsFor(orderId)).toHaveLength(0);
  });

  it('answers 409 for a cancelled, a complete and an expired order, and charges nothing', async () => {
    const { cookie, user } = sessionCookie();
    const cancelled = await givenOrder({ userId: user.id });
    await updateOrder(cancelled, 'cancelled');
    const complete = await givenOrder({ userId: user.id });
    await updateOrder(complete, 'complete');
    const expired = await givenOrder({ userId: user.id, expiresInMs: -1000 });
    const answers = [];
    for (const order of [cancelled, complete, expired]) {
      const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(409);
      answers.push(res.body.errors[0].message);
      expect(intentRequestsFor(order.id)).toHaveLength(0);
    }
    expect(answers).toEqual(['Cannot pay for a cancelled order', 'Order has already been paid', 'Order has expired']);
  });

  it('charges the order price in cents in usd with an idempotency key, records the payment and publishes payment.created', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id, price: 12345 });
    const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), orderId: order.id, status: 'succeeded' });

    const [sent] = intentRequestsFor(order.id);
    expect(sent.params).toMatchObject({
      amount: '12345',
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
    });
    expect(sent.idempotencyKey).toContain(order.id);

    const [payment] = await paymentsOf(order.id);
    expect(payment).toMatchObject({ id: res.body.id, amount_cents: 12345, currency: 'usd', status: 'succeeded' });
    const [event] = await eventually(
      async () => collector.envelopesAbout(order.id).length > 0 && collector.envelopesAbout(order.id),
    );
    expect(event.data).toEqual({
      id: res.body.id,
      orderId: order.id,
      amount: 12345,
      providerPaymentId: payment.provider_payment_id,
    });
  });

  it('never charges twice for a retried request, even when the retries race', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id });
    const body = { orderId: order.id, paymentMethod: 'pm_card_visa' };
    const [first, second] = await Promise.all([pay(cookie, body), pay(cookie, body)]);
    const later = await pay(cookie, body);

    expect(fake.charges().filter((c) => c.metadata.orderId === order.id)).toHaveLength(1);
    expect(await paymentsOf(order.id)).toHaveLength(1);
    // Whichever arrives while the first is still recording gets the same payment; later ones a 409.
    expect([first.status, second.status]).toEqual(expect.arrayContaining([201]));
    expect(later.status).toBe(409);
    expect(later.body).toEqual({ errors: [{ message: 'Order has already been paid' }] });
    const keys = new Set(intentRequestsFor(order.id).map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
  });

  it("answers 402 with the card's message for a decline, records nothing, and accepts another card afterwards", async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id });
    const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_chargeDeclined' }).expect(402);
    expect(res.body).toEqual({ errors: [{ message: 'Your card was declined.' }] });
    expect(await paymentsOf(order.id)).toHaveLength(0);

    await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(201);
    expect(await paymentsOf(order.id)).toHaveLength(1);
    await eventually(async () => collector.envelopesAbout(order.id).length === 1);
  });

  it('answers 400 naming paymentMethod for a payment method Stripe does not know', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id });
    const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_does_not_exist' }).expect(400);
    expect(res.body.errors).toEqual([
      { message: expect.stringContaining('pm_does_not_exist'), field: 'paymentMethod' },
    ]);
    expect(await paymentsOf(order.id)).toHaveLength(0);
  });

  it('hands 3-D Secure to the browser with 202 and the client secret, and the webhook completes the payment once', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id, price: 9900 });
    const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_threeDSecure2Required' }).expect(202);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^pi_/),
      orderId: order.id,
      status: 'requires_action',
      clientSecret: expect.stringContaining('_secret_'),
    });
    expect(await paymentsOf(order.id)).toHaveLength(0);

    const intent = fake.completeAuthentication(res.body.id);
    const { payload, header } = signedWebhook('payment_intent.succeeded', intent);
    await postWebhook(payload, header).expect(200);
    await postWebhook(payload, header).expect(200); // Stripe redelivers

    const payments = await paymentsOf(order.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ provider_payment_id: intent.id, amount_cents: 9900, status: 'succeeded' });
    await eventually(async () => collector.envelopesAbout(order.id).length === 1);
  });
});

describe('POST /api/payments/webhook', () => {
  it('answers 400 for a bad or missing signature and records nothing', async () => {
    const order = await givenOrder();
    const intent = { ...fake.completeAuthentication(await pendingIntentFor(order)) };
    const { payload } = signedWebhook('payment_intent.succeeded', intent);
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });
    for (const header of [forged, 't=1,v1=deadbeef', undefined]) {
      const res = await postWebhook(payload, header).expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Invalid Stripe signature' }] });
    }
    expect(await paymentsOf(order.id)).toHaveLength(0);
  });

  it('acknowledges payment_intent.payment_failed without recording a payment', async () => {
    const order = await givenOrder();
    const intentId = await pendingIntentFor(order);
    const intent = {
      ...fake.intents.get(intentId)!,
      status: 'requires_payment_method' as const,
      last_payment_error: { message: 'Authentication failed' },
    };
    const { payload, header, eventId } = signedWebhook('payment_intent.payment_failed', intent);
    await postWebhook(payload, header).expect(200);
    await postWebhook(payload, header).expect(200);
    expect(await paymentsOf(order.id)).toHaveLength(0);
    const { rows } = await pool.query('SELECT type FROM processed_stripe_events WHERE id = $1', [eventId]);
    expect(rows).toEqual([{ type: 'payment_intent.payment_failed' }]);
  });

  it('refunds a payment that succeeds for an order already cancelled, and publishes no payment.created', async () => {
    const order = await givenOrder();
    const intentId = await pendingIntentFor(order);
    await updateOrder(order, 'cancelled');
    const intent = fake.completeAuthentication(intentId);
    const { payload, header } = signedWebhook('payment_intent.succeeded', intent);
    await postWebhook(payload, header).expect(200);

    const [payment] = await paymentsOf(order.id);
    expect(payment).toMatchObject({ status: 'refunded', provider_refund_id: expect.stringMatching(/^re_/) });
    expect(fake.refunds.filter((r) => r.payment_intent === intent.id)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(collector.envelopesAbout(order.id)).toHaveLength(0);
  });
});

describe('refunds when a cancellation races the payment', () => {
  it('refunds a paid order that is then cancelled exactly once, even when order.updated is redelivered', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder({ userId: user.id, price: 5000 });
    await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_visa' }).expect(201);
    const [charge] = fake.charges().filter((c) => c.metadata.orderId === order.id);

    await updateOrder(order, 'cancelled');
    const refunded = await eventually(async () => {
      const [payment] = await paymentsOf(order.id);
      return payment.status === 'refunded' && payment;
    });
    const refundRequests = () =>
      fake.requests.filter((r) => r.path === '/v1/refunds' && r.params.payment_intent === charge.id);
    expect(refundRequests()).toHaveLength(1);
    expect(refundRequests()[0].idempotencyKey).toBe(`refund-${refunded.id}`);

    // The same order.updated again (a redelivery), then a marker event behind it on the same consumer.
    await bus.publish('order.updated', {
      id: order.id,
      userId: order.userId,
      status: 'cancelled',
      ticket: { id: order.ticket.id },
      version: 1,
      cancelReason: 'expired',
    });
    const marker = await givenOrder();
    await updateOrder(marker, 'cancelled');
    expect(refundRequests()).toHaveLength(1);
    expect(fake.refunds.filter((r) => r.payment_intent === charge.id)).toHaveLength(1);
  });
});

/** Starts a 3-D Secure payment for the order so a PaymentIntent exists at the fake Stripe. */
async function pendingIntentFor(order: EventData<'order.created'>): Promise<string> {
  const { cookie } = sessionCookie({ id: order.userId });
  const res = await pay(cookie, { orderId: order.id, paymentMethod: 'pm_card_threeDSecure2Required' }).expect(202);
  return res.body.id;
}
