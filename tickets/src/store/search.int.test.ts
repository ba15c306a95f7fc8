import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { listAvailableTickets, listQuery, type ListOptions } from './tickets';

const db = testDatabase([migrationsDir]);

async function onSale(titles: string[], venue: string | null = null): Promise<void> {
  await db.pool.query(
    `INSERT INTO tickets (title, venue, price_cents, user_id) SELECT t, $2, 1000, $3 FROM unnest($1::text[]) AS t`,
    [titles, venue, randomUUID()],
  );
}

const search = (q: string, sort: ListOptions['sort'] = 'newest'): ListOptions => ({ search: q, sort, limit: 20 });

const titlesFound = async (q: string) =>
  (await listAvailableTickets(db.pool, search(q))).tickets.map((t) => t.title).sort();

beforeAll(async () => {
  // Many tickets on sale that no short search below should find, and the few that some should.
  await onSale(Array.from({ length: 3000 }, (_, i) => `Tribute night ${i}`));
  await onSale(['U2 at the O2', 'The Beatles', 'Élan vital', 'Price 1+1 deal', 'Jay-Z live', 'Mark ©2026']);
  await onSale(['Jazz evening'], 'Hall A');
  // VACUUM moves the new rows out of the trigram index's pending list, as autovacuum does in service.
  await db.pool.query('VACUUM ANALYZE tickets');
});

describe('a search of one or two characters', () => {
  it('finds the titles and venues with a word starting with it, ignoring case and accents', async () => {
    expect(await titlesFound('u2')).toEqual(['U2 at the O2']);
    expect(await titlesFound('O2')).toEqual(['U2 at the O2']);
    expect(await titlesFound('at')).toEqual(['U2 at the O2']);
    expect(await titlesFound('él')).toEqual(['Élan vital']);
    expect(await titlesFound('E')).toEqual(['Jazz evening', 'Élan vital']);
    expect(await titlesFound('ha')).toEqual(['Jazz evening']); // its venue, Hall A
  });

  it('treats characters other than letters and digits as plain text, also where folding makes them', async () => {
    expect(await titlesFound('1+')).toEqual(['Price 1+1 deal']);
    expect(await titlesFound('+')).toEqual([]);
    expect(await titlesFound('©')).toEqual(['Mark ©2026']);
    expect(await titlesFound('.')).toEqual([]);
    expect(await titlesFound('[')).toEqual([]);
    expect(await titlesFound('\\')).toEqual([]);
  });

  it.each(['newest', 'price', 'startsAt'] as const)(
    'reads the matches through the index, not every ticket on sale (%s)',
    async (sort) => {
      for (const q of ['zq', 'u2', 'x']) {
        const { text, values } = listQuery(search(q, sort));
        const read = await rowsRead(db.pool, text, values);
        expect(read.tickets ?? 0).toBeLessThan(100);
      }
    },
  );
});

it('plans a search with its words at every call, never with a generic plan', async () => {
  const client = await db.pool.connect();
  try {
    for (let call = 0; call < 7; call += 1) await listAvailableTickets(client as never, search('zqx'));
    const { rows } = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');
    expect(rows.filter((r) => r.statement.includes('search_text'))).toEqual([]);
  } finally {
    client.release();
  }
});

it('reads only the matches of a rare longer word, as planned for it', async () => {
  const { text, values } = listQuery(search('beatles'));
  const read = await rowsRead(db.pool, text, values, { plannedWithValues: true });
  expect(read.tickets ?? 0).toBeLessThan(100);
});

it('still finds a longer search anywhere in a word', async () => {
  expect(await titlesFound('eatl')).toEqual(['The Beatles']);
  expect(await titlesFound('ay-z')).toEqual(['Jay-Z live']);
});
