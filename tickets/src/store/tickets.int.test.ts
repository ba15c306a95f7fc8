import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { listAvailableTickets, listQuery, type ListOptions } from './tickets';

const db = testDatabase([migrationsDir]);

/** Tickets on sale: `days` from now (negative: an event that has passed, its ticket never sold). */
async function onSale(count: number, days: number | null, title = 'Gig') {
  await db.pool.query(
    `INSERT INTO tickets (title, price_cents, user_id, starts_at, starts_at_offset_minutes)
     SELECT $1, 1000 + i, $2, now() + $3 * interval '1 day' + i * interval '1 second', CASE WHEN $3 IS NOT NULL THEN 0 END
     FROM generate_series(1, $4) AS i`,
    [title, randomUUID(), days, count],
  );
}

beforeAll(async () => {
  // Unsold tickets of events that have passed, thousands to come, and a few without a start.
  await onSale(2000, -30, 'Past');
  await onSale(2000, 10, 'Soon');
  await onSale(3, null, 'Someday');
  await db.pool.query('ANALYZE tickets');
});

const soonest = (after?: ListOptions['after']): ListOptions => ({ sort: 'startsAt', limit: 4, after });

it('lists soonest first, then the tickets without a start, paging through both with the cursor', async () => {
  const seen: { title: string; startsAt: string | null }[] = [];
  let after: ListOptions['after'];
  do {
    const page = await listAvailableTickets(db.pool, { ...soonest(after), limit: 100 });
    seen.push(...page.tickets);
    after = page.next;
  } while (after);
  expect(seen.map((t) => t.title)).toEqual([...Array(2000).fill('Soon'), ...Array(3).fill('Someday')]);
  const starts = seen.slice(0, 2000).map((t) => Date.parse(t.startsAt!));
  expect(starts).toEqual([...starts].sort((a, b) => a - b));
});

it.each([
  ['the first page', undefined],
  ['a page after an event to come', 'to come'],
  ['a page among the tickets without a start', 'without'],
] as const)('reads a page of rows, not every ticket on sale or past, for %s', async (_name, from) => {
  const first = await listAvailableTickets(db.pool, soonest());
  const position =
    from === 'to come'
      ? first.next
      : { sort: 'startsAt' as const, key: null, id: '00000000-0000-0000-0000-000000000000' };
  const { text, values } = listQuery(soonest(from === undefined ? undefined : position));
  const read = await rowsRead(db.pool, text, values);
  console.log(
    JSON.stringify(read),
    (await db.pool.query(`EXPLAIN ${text}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n'),
  );
  expect(read.tickets ?? 0).toBeLessThan(100);
});
