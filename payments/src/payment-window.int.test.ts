import { randomUUID } from 'node:crypto';
import {
  Listener,
  OutboxRelay,
  RetryLaterError,
  type Bus,
  type EventData,
  type Pool,
  type Subject,
} from '@microtick/common';
import {
  connectTestBus,
  createTestDatabase,
  eventually,
  sessionCookie,
  testBusNamespace,
  testLogger,
  testNatsUrl,
  testSessionEnv,
  testSessionVerifier,
} from '@microtick/devstack';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { findOrder, markTicketHeld } from './store/orders';
import { closeWindow } from './store/payment-window';
import { recordSucceededCharge } from './store/payments';
import { startListeners } from './events';
import { SandboxGateway } from './gateway/sandbox-gateway';
import type { ChargeRequest } from './gateway';

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

class Collector<S extends Subject> extends Listener<S> {
  readonly received: EventData<S>[] = [];
  constructor(
    readonly subject: S,
    readonly durableName: string,
  ) {
    super();
  }
  async onMessage(data: EventData<S>) {
    this.received.push(data);
  }
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let bus: Bus;
let relay: OutboxRelay;
let app: Express;
const gateway = new HeldGateway();
const windowClosed = new Collector('payment.window-closed', 'test.window-closed');
const paymentCreated = new Collector('payment.created', 'test.payment-created');

beforeAll(async () => {
  db = await createTestDatabase([migrationsDir]);
  pool = db.pool;
  bus = await connectTestBus(testBusNamespace());
  const config = readConfig({ DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv() });
  app = buildApp({
    pool,
    bus,
    gateway,
    config,
    logger: testLogger,
    sessions: testSessionVerifier(),
  });
  relay = new OutboxRelay({ pool, bus, logger: testLogger });
  await relay.start();
  await bus.listen(windowClosed);
  await bus.listen(paymentCreated);
  await startListeners(bus, pool, gateway, testLogger);
});

afterAll(async () => {
  gateway.letGo();
  await relay.stop();
  await bus.deleteStream();
  await bus.close();
  await db.drop();
});

async function givenOrder(userId: string, expiresInMs: number): Promise<EventData<'order.created'>> {
  const order: EventData<'order.created'> = {
    id: randomUUID(),
    userId,
    status: 'created',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    ticket: { id: randomUUID(), price: 1500 },
    version: 0,
  };
  await bus.publish('order.created', order);
  await eventually(() => findOrder(pool, order.id));
  await markTicketHeld(pool, order.id);
  return order;
}

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
  await eventually(async () => windowClosed.received.some((e) => e.orderId === other.id));
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
    await eventually(async () => paymentCreated.received.some((e) => e.orderId === order.id));
    await eventually(async () => (await windowOf(order.id)).closed);
    await marker();
    expect(windowClosed.received.filter((e) => e.orderId === order.id)).toEqual([]);
  });

  it('closes an unpaid window with payment.window-closed; a payment afterwards is refused before any charge', async () => {
    const { cookie, user } = sessionCookie();
    const order = await givenOrder(user.id, -1);
    await bus.publish('expiration.complete', { orderId: order.id });
    await eventually(async () => windowClosed.received.some((e) => e.orderId === order.id));
    // A redelivered expiration changes nothing.
    expect(await closeWindow(pool, order.id, gateway.maxChargeMs)).toBe('unchanged');

    const charges = gateway.charges;
    const res = await pay(cookie, order.id).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Order has expired' }] });
    expect(gateway.charges).toBe(charges);
    await marker();
    expect(windowClosed.received.filter((e) => e.orderId === order.id)).toHaveLength(1);
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
    await eventually(async () => windowClosed.received.some((e) => e.orderId === order.id));
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
