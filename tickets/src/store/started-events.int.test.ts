import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { MARK_STARTED_EVENTS, markStartedEvents } from './started-events';
import { findTicket, insertTicket, listQuery, updateTicketIfVersion, type ListOptions } from './tickets';

const db = testDatabase([migrationsDir]);

/**
 * Unsold tickets of an event `days` from now (negative: started, as if listed before it and never written
 * since), from `priceCents` up.
 */
async function onSale(count: number, days: number, title: string, priceCents = 1000): Promise<void> {
  await db.pool.query(
    `INSERT INTO tickets (title, price_cents, user_id, starts_at, starts_at_offset_minutes)
     SELECT $1, $5 + i, $2, now() + $3 * interval '1 day' + i * interval '1 second', 0
     FROM generate_series(1, $4) AS i`,
    [title, randomUUID(), days, count, priceCents],
  );
}

const markedCount = async (title: string) =>
  (
    await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE title = $1 AND event_started', [
      title,
    ])
  ).rows[0].n;

const pages: [string, ListOptions][] = [
  ['cheapest first', { sort: 'price', limit: 20 }],
  ['a search matching only started events', { sort: 'newest', search: 'matinee', limit: 20 }],
  ['soonest first', { sort: 'startsAt', limit: 20 }],
];

beforeAll(async () => {
  // Those whose event started are the cheapest, and there are many tickets to come.
  await onSale(20_000, -3, 'Gig', 100);
  await onSale(200, -2, 'Matinee', 100);
  await onSale(5000, 5, 'Evening', 50_000);
  await db.pool.query('VACUUM ANALYZE tickets');
});

it('marks, a batch at a time, the unsold tickets whose event has started, and only those', async () => {
  expect(await markStartedEvents(db.pool, 15_000)).toBe(15_000);
  expect(await markStartedEvents(db.pool, 15_000)).toBe(5200);
  expect(await markStartedEvents(db.pool, 15_000)).toBe(0);
  expect(await markedCount('Gig')).toBe(20_000);
  expect(await markedCount('Matinee')).toBe(200);
  expect(await markedCount('Evening')).toBe(0);
  await db.pool.query('VACUUM ANALYZE tickets');
});

it.each(pages)('reads a page of rows, not the marked tickets, for %s', async (_name, options) => {
  const { text, values } = listQuery(options);
  const read = await rowsRead(db.pool, text, values);
  expect(read.tickets ?? 0).toBeLessThan(100);
});

it('reads only the tickets it marks', async () => {
  await onSale(3, -1, 'Brunch');
  const read = await rowsRead(db.pool, MARK_STARTED_EVENTS, [1000]);
  expect(read.tickets ?? 0).toBeLessThan(100);
  expect(await markedCount('Brunch')).toBe(3);
});

it('marks a ticket written after its start at once, and unmarks it when the start moves to the future', async () => {
  const soon = new Date(Date.now() + 1000).toISOString();
  const ticket = await insertTicket(db.pool, {
    title: 'Postponed',
    priceCents: 1500,
    userId: randomUUID(),
    venue: null,
    startsAt: soon,
    seat: null,
  });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  // An order released after the start writes the ticket, as any update does.
  const written = await updateTicketIfVersion(db.pool, ticket);
  expect(await markedCount('Postponed')).toBe(1);

  const later = new Date(Date.now() + 86_400_000).toISOString();
  await updateTicketIfVersion(db.pool, { ...written!, startsAt: later });
  expect(await markedCount('Postponed')).toBe(0);
  expect((await findTicket(db.pool, ticket.id))?.startsAt).not.toBeNull();
});
