import { randomUUID } from 'node:crypto';
import type { OrderStatus } from '@microtick/common';
import { testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { chargeDecision } from '../rules';
import { seedOrder } from '../testing/payments-under-test';
import {
  recordCharges,
  recordSucceededCharge,
  UnknownOrderError,
  type RecordOutcome,
  type SucceededCharge,
} from './payments';

const db = testDatabase([migrationsDir]);

async function givenOrder(status: 'created' | 'cancelled' = 'created'): Promise<string> {
  const { id } = await seedOrder(db.pool);
  if (status === 'cancelled')
    await db.pool.query(`UPDATE orders SET status = 'cancelled', version = 1 WHERE id = $1`, [id]);
  return id;
}

const chargeFor = (orderId: string, providerPaymentId = `pi_${randomUUID()}`): SucceededCharge => ({
  orderId,
  providerPaymentId,
  amountCents: 2500,
  currency: 'usd',
});

const paymentsOf = async (orderId: string) =>
  (await db.pool.query('SELECT id, status, provider_payment_id FROM payments WHERE order_id = $1', [orderId])).rows;

const eventsFor = async (orderId: string) =>
  (
    await db.pool.query(`SELECT subject, envelope FROM outbox WHERE envelope->'data'->>'orderId' = $1`, [orderId])
  ).rows.map((r) => ({ subject: r.subject, data: r.envelope.data }));

// Under load a request's charge is recorded in a batch with others; a webhook's on its own. Both must
// keep exactly the charges the rule keeps.
describe('the charge rule, in a batch and on its own', () => {
  const cases: [OrderStatus, boolean, ReturnType<typeof chargeDecision>][] = [
    ['created', false, 'keep'],
    ['created', true, 'refund: paid'],
    ['complete', false, 'keep'],
    ['complete', true, 'refund: paid'],
    ['cancelled', false, 'refund: cancelled'],
    ['cancelled', true, 'refund: cancelled'],
  ];

  async function given(status: OrderStatus, paidByAnotherCharge: boolean): Promise<string> {
    const orderId = await givenOrder();
    if (paidByAnotherCharge) await recordSucceededCharge(db.pool, chargeFor(orderId));
    if (status !== 'created')
      await db.pool.query('UPDATE orders SET status = $2, version = 1 WHERE id = $1', [orderId, status]);
    return orderId;
  }

  const asDecision = (result: RecordOutcome | Error) =>
    result instanceof Error ? result : result.outcome === 'recorded' ? 'keep' : `refund: ${result.reason}`;

  it('decides every case as chargeDecision does, alone and all in one batch', async () => {
    const single = [];
    for (const [status, paid] of cases)
      single.push(asDecision(await recordSucceededCharge(db.pool, chargeFor(await given(status, paid)))));
    const orders = [];
    for (const [status, paid] of cases) orders.push(await given(status, paid));
    const batched = (
      await recordCharges(
        db.pool,
        orders.map((id) => chargeFor(id)),
      )
    ).map(asDecision);

    const expected = cases.map(([status, paidByAnotherCharge]) => chargeDecision({ status, paidByAnotherCharge }));
    expect(single).toEqual(expected);
    expect(batched).toEqual(expected);
  });

  it('keeps one of two charges for one order in the same batch and records a repeated one once', async () => {
    const orderId = await givenOrder();
    const first = chargeFor(orderId);
    const results = await recordCharges(db.pool, [first, chargeFor(orderId), first]);

    expect(results.map(asDecision)).toEqual(['keep', 'refund: paid', 'keep']);
    expect((results[2] as RecordOutcome).payment.id).toBe((results[0] as RecordOutcome).payment.id);
    expect((await paymentsOf(orderId)).map((p) => p.status).sort()).toEqual(['refund_pending', 'succeeded']);
    expect(await eventsFor(orderId)).toHaveLength(1);
  });

  it('ends the charges a batch marked in flight, and answers an unknown order without failing the others', async () => {
    const orderId = await givenOrder();
    await db.pool.query('UPDATE orders SET charges_in_flight = 2, charge_started_at = now() WHERE id = $1', [orderId]);
    const unknown = randomUUID();
    const results = await recordCharges(db.pool, [
      { ...chargeFor(orderId), endsCharge: true },
      { ...chargeFor(unknown), endsCharge: true },
      { ...chargeFor(orderId), endsCharge: true },
    ]);

    expect(results.map(asDecision)).toEqual(['keep', expect.any(UnknownOrderError), 'refund: paid']);
    const { rows } = await db.pool.query('SELECT charges_in_flight, charge_started_at FROM orders WHERE id = $1', [
      orderId,
    ]);
    expect(rows[0]).toEqual({ charges_in_flight: 0, charge_started_at: null });
  });
});

describe('recordSucceededCharge', () => {
  it('records a charge of an open order as succeeded, with payment.created in the outbox', async () => {
    const orderId = await givenOrder();
    const charge = chargeFor(orderId);
    const recorded = await recordSucceededCharge(db.pool, charge);

    expect(recorded).toEqual({
      outcome: 'recorded',
      payment: {
        id: expect.any(String),
        orderId,
        providerPaymentId: charge.providerPaymentId,
        amountCents: 2500,
        currency: 'usd',
        status: 'succeeded',
        providerRefundId: null,
      },
    });
    expect(await paymentsOf(orderId)).toHaveLength(1);
    expect(await eventsFor(orderId)).toEqual([
      {
        subject: 'payment.created',
        data: { id: recorded.payment.id, orderId, amount: 2500, providerPaymentId: charge.providerPaymentId },
      },
    ]);
  });

  it('records the same provider payment once when it is reported twice at the same time', async () => {
    const orderId = await givenOrder();
    const charge = chargeFor(orderId);
    const [a, b] = await Promise.all([recordSucceededCharge(db.pool, charge), recordSucceededCharge(db.pool, charge)]);
    const again = await recordSucceededCharge(db.pool, charge);

    for (const r of [a, b, again]) expect(r).toMatchObject({ outcome: 'recorded', payment: { id: a.payment.id } });
    expect(await paymentsOf(orderId)).toHaveLength(1);
    expect(await eventsFor(orderId)).toHaveLength(1);
  });

  it('keeps one of two different charges racing for one order and marks the other for refund', async () => {
    const orderId = await givenOrder();
    const results = await Promise.all([
      recordSucceededCharge(db.pool, chargeFor(orderId)),
      recordSucceededCharge(db.pool, chargeFor(orderId)),
    ]);

    expect(results.map((r) => r.outcome).sort()).toEqual(['recorded', 'refund']);
    expect(results.find((r) => r.outcome === 'refund')).toMatchObject({
      reason: 'paid',
      payment: { status: 'refund_pending' },
    });
    expect((await paymentsOf(orderId)).map((p) => p.status).sort()).toEqual(['refund_pending', 'succeeded']);
    expect(await eventsFor(orderId)).toHaveLength(1);
  });

  it('marks a charge of a cancelled order for refund and records no event', async () => {
    const orderId = await givenOrder('cancelled');
    const recorded = await recordSucceededCharge(db.pool, chargeFor(orderId));

    expect(recorded).toMatchObject({ outcome: 'refund', reason: 'cancelled', payment: { status: 'refund_pending' } });
    expect(await eventsFor(orderId)).toEqual([]);
  });

  it('waits for a cancellation that holds the order row and then marks the charge for refund', async () => {
    const orderId = await givenOrder();
    const cancelling = await db.pool.connect();
    try {
      await cancelling.query('BEGIN');
      await cancelling.query(`UPDATE orders SET status = 'cancelled', version = 1 WHERE id = $1`, [orderId]);
      const recording = recordSucceededCharge(db.pool, chargeFor(orderId));
      // The charge waits for the row lock; the cancellation commits while it waits.
      await new Promise((r) => setTimeout(r, 200));
      expect(await paymentsOf(orderId)).toEqual([]);
      await cancelling.query('COMMIT');

      expect(await recording).toMatchObject({ outcome: 'refund', reason: 'cancelled' });
    } finally {
      cancelling.release();
    }
    expect((await paymentsOf(orderId)).map((p) => p.status)).toEqual(['refund_pending']);
    expect(await eventsFor(orderId)).toEqual([]);
  });

  it('refuses an order the replica does not know, recording nothing', async () => {
    const orderId = randomUUID();
    await expect(recordSucceededCharge(db.pool, chargeFor(orderId))).rejects.toBeInstanceOf(UnknownOrderError);
    expect(await paymentsOf(orderId)).toEqual([]);
    expect(await eventsFor(orderId)).toEqual([]);
  });
});
