import { randomUUID } from 'node:crypto';
import { withTransaction } from '@microtick/common';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { seedOrder } from '../testing/payments-under-test';
import { CLAIM_REVERSALS, claimPayoutJobs, recordEarning } from './earnings';
import { migrationsDir } from './migrations';
import { markRefundedAtProvider, recordSucceededCharge } from './payments';

const db = testDatabase([migrationsDir]);

/** An order of a seller with no payout account, paid: its payment's provider id. */
async function aPaidOrder(): Promise<{ orderId: string; providerPaymentId: string }> {
  const order = await seedOrder(db.pool);
  const providerPaymentId = `pi_${randomUUID()}`;
  await recordSucceededCharge(db.pool, {
    orderId: order.id,
    providerPaymentId,
    amountCents: order.ticket.price,
    currency: 'usd',
  });
  return { orderId: order.id, providerPaymentId };
}

const earningOf = async (orderId: string) =>
  (
    await db.pool.query<{ payment_id: string | null; charge_refunded: boolean }>(
      'SELECT payment_id, charge_refunded FROM earnings WHERE order_id = $1',
      [orderId],
    )
  ).rows[0];

const reversalsClaimed = async () => (await claimPayoutJobs(db.pool, 1000, 60_000)).filter((j) => j.kind === 'reverse');

it('reverses the earning of a sale whose charge is refunded afterwards', async () => {
  const { orderId, providerPaymentId } = await aPaidOrder();
  await withTransaction(db.pool, (client) => recordEarning(client, orderId, 1000));
  await markRefundedAtProvider(db.pool, providerPaymentId, 're_1');
  expect(await earningOf(orderId)).toMatchObject({ charge_refunded: true });
  expect((await reversalsClaimed()).map((j) => j.orderId)).toContain(orderId);
});

it('leaves nothing to reverse when the charge was refunded before the sale was recorded', async () => {
  const { orderId, providerPaymentId } = await aPaidOrder();
  await markRefundedAtProvider(db.pool, providerPaymentId, 're_1');
  await withTransaction(db.pool, (client) => recordEarning(client, orderId, 1000));
  expect(await earningOf(orderId)).toEqual({ payment_id: null, charge_refunded: false });
});

it('marks the earning when the refund arrives while the sale is being recorded', async () => {
  const { orderId, providerPaymentId } = await aPaidOrder();
  const recording = await db.pool.connect();
  try {
    await recording.query('BEGIN');
    await recordEarning(recording, orderId, 1000);
    let refundDone = false;
    const refund = markRefundedAtProvider(db.pool, providerPaymentId, 're_1').then(() => (refundDone = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(refundDone).toBe(false); // waiting for the recording's lock on the payment
    await recording.query('COMMIT');
    await refund;
  } finally {
    recording.release();
  }
  expect(await earningOf(orderId)).toMatchObject({ charge_refunded: true });
  expect((await reversalsClaimed()).map((j) => j.orderId)).toContain(orderId);
});

it('claims reversals without reading every refund ever made', async () => {
  // Two thousand past sales: refunded and already reversed, or standing and transferred.
  const {
    rows: [{ payments }],
  } = await db.pool.query<{ payments: number }>(
    `WITH o AS (
       INSERT INTO orders (id, user_id, status, price_cents, expires_at, version, ticket_held, seller_id, ticket_id)
       SELECT gen_random_uuid(), gen_random_uuid(), 'complete', 1000, now(), 1, true, gen_random_uuid(), gen_random_uuid()
       FROM generate_series(1, 2000) RETURNING id
     ), p AS (
       INSERT INTO payments (order_id, provider_payment_id, amount_cents, currency, status)
       SELECT id, 'pi_' || id, 1000, 'usd', CASE WHEN random() < 0.5 THEN 'refunded' ELSE 'succeeded' END FROM o
       RETURNING id, order_id, status
     ), e AS (
       INSERT INTO earnings (id, order_id, payment_id, share_cents, fee_cents, currency, status,
         provider_transfer_id, provider_reversal_id, charge_refunded)
       SELECT gen_random_uuid(), order_id, id, 900, 100, 'usd',
         CASE WHEN status = 'refunded' THEN 'reversed' ELSE 'transferred' END,
         'tr_' || id, CASE WHEN status = 'refunded' THEN 'trr_' || id END, status = 'refunded'
       FROM p RETURNING 1
     )
     SELECT count(*)::int AS payments FROM e`,
  );
  expect(payments).toBe(2000);
  const { orderId, providerPaymentId } = await aPaidOrder();
  await withTransaction(db.pool, (client) => recordEarning(client, orderId, 1000));
  await markRefundedAtProvider(db.pool, providerPaymentId, 're_1');
  await db.pool.query('ANALYZE payments; ANALYZE earnings');

  const read = await rowsRead(db.pool, CLAIM_REVERSALS, [10, 60_000]);
  expect(read.payments ?? 0).toBeLessThan(100);
  expect(read.earnings ?? 0).toBeLessThan(100);
});
