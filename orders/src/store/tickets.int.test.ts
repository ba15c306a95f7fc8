import { randomUUID } from 'node:crypto';
import { aTicketCreated, aTicketUpdated, testDatabase } from '@microtick/devstack';
import { versionRule } from '../rules';
import { seedTicket } from '../testing/orders-under-test';
import { migrationsDir } from './migrations';
import { ticketPrices } from './ticket-prices';
import { applyTicketUpdate, insertTicket } from './tickets';

const db = testDatabase([migrationsDir]);

// The replica's fast path is one UPDATE guarded by the version; the rule decides what the outcome of an
// update it did not apply means. Both run over the same cases.
describe('applyTicketUpdate follows the version rule', () => {
  it.each([
    [0, 1, 'applied'],
    [2, 3, 'applied'],
    [2, 2, 'stale'],
    [2, 1, 'stale'],
    [2, 4, 'future'],
    [undefined, 1, 'unknown'],
  ] as const)('a replica at version %s given version %s: %s', async (replicaVersion, eventVersion, expected) => {
    const ticket = await seedTicket(db.pool);
    for (let v = 1; v <= (replicaVersion ?? 0); v += 1)
      await applyTicketUpdate(db.pool, aTicketUpdated(ticket, { version: v }));
    const target = replicaVersion === undefined ? { ...ticket, id: randomUUID() } : ticket;

    const outcome = await applyTicketUpdate(
      db.pool,
      aTicketUpdated(target, { version: eventVersion, title: 'New title' }),
    );

    const rule = versionRule(replicaVersion, eventVersion);
    expect(outcome).toBe(expected);
    expect(rule === 'apply' ? 'applied' : rule).toBe(expected);
    const { rows } = await db.pool.query('SELECT version, title FROM tickets WHERE id = $1', [target.id]);
    if (expected === 'applied') expect(rows[0]).toEqual({ version: eventVersion, title: 'New title' });
    else expect(rows[0]?.version).toBe(replicaVersion);
  });
});

describe("the replica's writes tell the order placer a ticket's price", () => {
  it('remembers the price and seller of a ticket it inserts or updates, and forgets one withdrawn', async () => {
    const created = aTicketCreated({ price: 1200 });
    await insertTicket(db.pool, created);
    expect(ticketPrices.get(created.id)).toEqual({ priceCents: 1200, sellerId: created.userId });

    await applyTicketUpdate(db.pool, aTicketUpdated(created, { version: 1, price: 1500 }));
    expect(ticketPrices.get(created.id)).toEqual({ priceCents: 1500, sellerId: created.userId });

    await applyTicketUpdate(db.pool, aTicketUpdated(created, { version: 2, price: 1500, status: 'withdrawn' }));
    expect(ticketPrices.get(created.id)).toBeUndefined();
  });

  it('does not take the price of a stale or repeated event', async () => {
    const created = aTicketCreated({ price: 1200 });
    await insertTicket(db.pool, created);
    await applyTicketUpdate(db.pool, aTicketUpdated(created, { version: 1, price: 1500 }));
    ticketPrices.forget(created.id);

    await insertTicket(db.pool, created); // a redelivered ticket.created
    await applyTicketUpdate(db.pool, aTicketUpdated(created, { version: 1, price: 1500 }));
    expect(ticketPrices.get(created.id)).toBeUndefined();
  });
});
