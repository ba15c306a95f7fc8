import { randomUUID } from 'node:crypto';
import { testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { insertOrder, markTicketHeld } from './orders';
import { startCharges } from './payment-window';
import { recordSucceededCharge } from './payments';

const db = testDatabase([migrationsDir]);

async function givenOrder(userId: string, expiresInMs = 60_000, held = true): Promise<string> {
  const id = randomUUID();
  await insertOrder(db.pool, {
    id,
    userId,
    status: 'created',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    ticket: { id: randomUUID(), price: 2500, sellerId: randomUUID() },
    version: 0,
  });
  if (held) await markTicketHeld(db.pool, id);
  return id;
}

const inFlight = async (orderId: string) =>
  (await db.pool.query('SELECT charges_in_flight AS n FROM orders WHERE id = $1', [orderId])).rows[0].n as number;

describe('startCharges, a batch of payment requests in one statement', () => {
  it('answers each request for its own order, and marks a charge per request it starts', async () => {
    const buyer = randomUUID();
    const open = await givenOrder(buyer);
    const expired = await givenOrder(buyer, -1000);
    const paid = await givenOrder(buyer);
    await recordSucceededCharge(db.pool, {
      orderId: paid,
      providerPaymentId: `pi_${randomUUID()}`,
      amountCents: 2500,
      currency: 'usd',
    });
    const cancelled = await givenOrder(buyer);
    await db.pool.query(`UPDATE orders SET status = 'cancelled', version = 1 WHERE id = $1`, [cancelled]);
    const someoneElses = await givenOrder(randomUUID());
    const notYetReserved = await givenOrder(buyer, 60_000, false);

    const results = await startCharges(db.pool, [
      { orderId: open, userId: buyer },
      { orderId: expired, userId: buyer },
      { orderId: paid, userId: buyer },
      { orderId: cancelled, userId: buyer },
      { orderId: someoneElses, userId: buyer },
      { orderId: randomUUID(), userId: buyer },
      { orderId: open, userId: buyer },
      { orderId: notYetReserved, userId: buyer },
    ]);

    expect(results.map((r) => r.outcome)).toEqual([
      'started',
      'expired',
      'paid',
      'cancelled',
      'not found',
      'not found',
      'started',
      'not found',
    ]);
    expect(results[0]).toEqual({ outcome: 'started', order: { id: open, priceCents: 2500 } });
    expect(await inFlight(open)).toBe(2);
    expect(await inFlight(someoneElses)).toBe(0);
    expect(await inFlight(expired)).toBe(0);
    expect(await inFlight(notYetReserved)).toBe(0);
  });
});
