import { randomUUID } from 'node:crypto';
import { RetryLaterError, type Bus, type Pool } from '@microtick/common';
import { collectEvents, eventually, sessionCookie, type CollectedEvents } from '@microtick/devstack';
import type { Express } from 'express';
import request from 'supertest';
import { closeWindow } from './store/payment-window';
import { recordSucceededCharge } from './store/payments';
import { SandboxGateway } from './gateway/sandbox-gateway';
import type { ChargeRequest } from './gateway';
import { expiresIn, startPaymentsUnderTest, type PaymentsUnderTest } from './testing/payments-under-test';

/** The sandbox, except that a charge can be held at the provider until the test lets it go. */
class HeldGateway extends SandboxGateway {
  charges = 0;
  private release?: () => void;
  private held?: Promise<void>;
  hold() {
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  letGo() {
    this.release?.();
    this.held = undefined;
  }
  override async charge(request: ChargeRequest) {
    this.charges += 1;
    await this.held;
    return super.charge(request);
  }
}

let payments: PaymentsUnderTest;
let pool: Pool;
let bus: Bus;
let app: Express;
const gateway = new HeldGateway();
let windowClosed: CollectedEvents<'payment.window-closed'>;
let paymentCreated: CollectedEvents<'payment.created'>;

beforeAll(async () => {
  payments = await startPaymentsUnderTest({ gateway });
  ({ pool, bus, app } = payments);
  windowClosed = await collectEvents(bus, 'payment.window-closed');
  paymentCreated = await collectEvents(bus, 'payment.created');
});

afterAll(async () => {
  gateway.letGo();
  await payments.stop();
});

const givenOrder = (userId: string, expiresInMs: number) =>
  payments.announceOrder({
    userId,
    expiresAt: expiresIn(expiresInMs),
    ticket: { id: randomUUID(), price: 1500, sellerId: randomUUID() },
  });

const windowOf = async (orderId: string) =>
  (
    await pool.query<{ closed: boolean; inFlight: number; startedAt: Date | null }>(
      `SELECT window_closed_at IS NOT NULL AS closed, charges_in_flight AS "inFlight",
         charge_started_at AS "startedAt" FROM orders WHERE id = $1`,
      [orderId],
    )
  ).rows[0];

/** The deadline passes while the charge is in flight (moved, rather than waited for, so load cannot skew it). */
const passDeadline = (orderId: string) =>
  pool.query("UPDATE orders SET expires_at = clock_timestamp() - interval '1 second' WHERE id = $1", [orderId]);

const pay = (cookie: string, orderId: string) =>
  request(app).post('/api/payments').set('Cookie', cookie).send({ orderId, paymentMethod: 'pm_card_visa' });

/** Closes an unpaid window on the same consumer: its event arrives after any event recorded before it. */
async function marker(): Promise<void> {
  const other = await givenOrder(randomUUID(), -1);
  await bus.publish('expiration.complete', { orderId: other.id });
  await eventually(async () => windowClosed.about(other.id).length > 0);
}

describe('the payment window', () => {
  it('waits for a charge in flight at the deadline: the payment answers 201 and the order is never expired', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder(user.id, 60_000);
    gateway.hold();
    const paying = pay(cookie, order.id).then((res) => res);
    await eventually(async () => (await windowOf(order.id)).inFlight === 1);
    await passDeadline(order.id);

    // The judge, asked directly and through the bus, keeps the window open while the charge is in flight.
    await expect(closeWindow(pool, order.id, gateway.maxChargeMs)).rejects.toBeInstanceOf(RetryLaterError);
    await bus.publish('expiration.complete', { orderId: order.id });
    expect((await windowOf(order.id)).closed).toBe(false);

    gateway.letGo();
    const res = await paying;
    expect(res.status).toBe(201);
    await eventually(async () => paymentCreated.about(order.id).length > 0);
    await eventually(async () => (await windowOf(order.id)).closed);
    await marker();
    expect(windowClosed.about(order.id)).toEqual([]);
  });

  it.each(['buyer', 'withdrawn'] as const)(
    "closes the window at orders' request (%s) long before its end; a payment afterwards is refused as cancelled",
    async (reason) => {
      const { cookie, user } = sessionCookie();
      const order = await givenOrder(user.id, 600_000);
      await bus.publish('order.cancellation-requested', { orderId: order.id, reason });
      await eventually(async () => windowClosed.about(order.id).length > 0);
      expect(windowClosed.about(order.id)).toEqual([{ orderId: order.id, reason }]);

      const charges = gateway.charges;
      const res = await pay(cookie, order.id).expect(409);
      expect(res.body).toEqual({ errors: [{ message: 'Cannot pay for a cancelled order' }] });
      expect(gateway.charges).toBe(charges);
    },
  );

  it("lets a payment whose charge was in flight win over its buyer's cancel: 201, and the window never closes unpaid", async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder(user.id, 600_000);
    gateway.hold();
    const paying = pay(cookie, order.id).then((res) => res);
    await eventually(async () => (await windowOf(order.id)).inFlight === 1);

    await bus.publish('order.cancellation-requested', { orderId: order.id, reason: 'buyer' });
    await expect(closeWindow(pool, order.id, gateway.maxChargeMs, 'buyer')).rejects.toBeInstanceOf(RetryLaterError);
    expect((await windowOf(order.id)).closed).toBe(false);

    gateway.letGo();
    expect((await paying).status).toBe(201);
    await eventually(async () => paymentCreated.about(order.id).length > 0);
    await eventually(async () => (await windowOf(order.id)).closed);
    await marker();
    expect(windowClosed.about(order.id)).toEqual([]);
  });

  it('closes an unpaid window with payment.window-closed; a payment afterwards is refused before any charge', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder(user.id, -1);
    await bus.publish('expiration.complete', { orderId: order.id });
    await eventually(async () => windowClosed.about(order.id).length > 0);
    // A redelivered expiration changes nothing.
    expect(await closeWindow(pool, order.id, gateway.maxChargeMs)).toBe('unchanged');

    const charges = gateway.charges;
    const res = await pay(cookie, order.id).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Order has expired' }] });
    expect(gateway.charges).toBe(charges);
    await marker();
    expect(windowClosed.about(order.id)).toHaveLength(1);
  });

  it('closes the window after a declined charge in flight at the deadline', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder(user.id, 60_000);
    gateway.hold();
    const declining = request(app)
      .post('/api/payments')
      .set('Cookie', cookie)
      .send({ orderId: order.id, paymentMethod: 'pm_card_chargeDeclined' })
      .then((res) => res);
    await eventually(async () => (await windowOf(order.id)).inFlight === 1);
    await passDeadline(order.id);
    await bus.publish('expiration.complete', { orderId: order.id });
    gateway.letGo();
    expect((await declining).status).toBe(402);
    await eventually(async () => windowClosed.about(order.id).length > 0);
    expect(await windowOf(order.id)).toEqual({ closed: true, inFlight: 0, startedAt: null });
  });

  it('refunds a charge the provider reports after the window closed (a late webhook)', async () => {
    const order = await givenOrder(randomUUID(), -1);
    expect(await closeWindow(pool, order.id, gateway.maxChargeMs)).toBe('closed');
    const recorded = await recordSucceededCharge(pool, {
      orderId: order.id,
      providerPaymentId: `pi_${randomUUID()}`,
      amountCents: 1500,
      currency: 'usd',
    });
    expect(recorded).toMatchObject({ outcome: 'refund', reason: 'expired', payment: { status: 'refund_pending' } });
  });
});
