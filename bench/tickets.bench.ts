import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import {
  Bus,
  createLogger,
  createPool,
  loadSigningKeys,
  localKeys,
  migrate,
  OutboxRelay,
  plannedWithValues,
  sessionVerifier,
  signSession,
} from '@microtick/common';
import { startNats, startPostgres } from '@microtick/devstack';
import { buildApp } from '../tickets/src/app';
import { readConfig } from '../tickets/src/config';
import { migrationsDir } from '../tickets/src/store/migrations';
import { encodeCursor } from '../tickets/src/http/list-cursor';
import { createDatabase, ms, rate, ratio, runConcurrently, summarise, table, tempDir, type Summary } from './lib';

/**
 * The tickets list under a realistic catalogue: first page, title search, a deep page, and creating
 * tickets (insert + outbox + relay to JetStream). Baselines: a bare HTTP round trip (GET /alive) on
 * the same stack, OFFSET pagination for the deep page, and the search without its trigram index.
 */

const TICKETS = 100_000;
const HTTP_REQUESTS = 1500;
const CREATE_REQUESTS = 1000;
const CONCURRENCY = 8;
const SQL_RUNS = 200;
const DEEP_POSITION = 50_000;

const silent = createLogger('bench', 'silent');

async function seed(pool: pg.Pool): Promise<void> {
  // Every 10th ticket reserved, every 15th sold; titles from a small vocabulary plus a unique number.
  await pool.query(
    `INSERT INTO tickets (title, price_cents, user_id, status, order_id, created_at)
     SELECT (ARRAY['Rock','Jazz','Opera','Football','Tennis','Comedy','Ballet','Techno','Folk','Blues'])[1 + i % 10]
              || ' ' || (ARRAY['Night','Final','Festival','Tour','Gala','Cup','Session','Live'])[1 + (i / 10) % 8]
              || ' #' || i,
            100 + (i * 37) % 50000,
            gen_random_uuid(),
            CASE WHEN i % 15 = 0 THEN 'sold' WHEN i % 10 = 0 THEN 'reserved' ELSE 'available' END,
            CASE WHEN i % 15 = 0 OR i % 10 = 0 THEN gen_random_uuid() END,
            now() - i * interval '1 second'
     FROM generate_series(1, $1) AS i`,
    [TICKETS],
  );
  await pool.query('ANALYZE tickets');
}

/** A search is timed as the service runs it: planned with its values at every call (plannedWithValues). */
async function timeQuery(pool: pg.Pool, sql: string, params: unknown[], search = false): Promise<Summary> {
  const query = { text: sql, values: params };
  const run = await runConcurrently(SQL_RUNS, 1, () => pool.query(search ? plannedWithValues(query) : query));
  return summarise(run.latencies, run.elapsedMs);
}

async function planOf(pool: pg.Pool, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await pool.query(`EXPLAIN ${sql}`, params);
  const nodes = rows.map((r) => String(r['QUERY PLAN']).trim()).filter((line) => /Scan|Sort/.test(line));
  return nodes.map((line) => line.replace(/\s+\(cost.*$/, '').replace(/^->\s*/, '')).join(' → ');
}

async function httpLoad(total: number, request: (i: number) => Promise<Response>): Promise<Summary> {
  const run = await runConcurrently(total, CONCURRENCY, async (i) => {
    const res = await request(i);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  });
  return summarise(run.latencies, run.elapsedMs);
}

export async function run(): Promise<string> {
  const temp = tempDir('tickets');
  const postgres = await startPostgres({ dataDir: path.join(temp.dir, 'pg') });
  const nats = await startNats({ storeDir: path.join(temp.dir, 'nats') });
  await createDatabase(postgres.url, 'tickets');
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/tickets');
  const pool = createPool(databaseUrl, 20);
  const bus = await Bus.connect({ url: nats.url, name: 'tickets-bench', logger: silent });
  const relay = new OutboxRelay({ pool, bus, logger: silent });
  const keys = loadSigningKeys(
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  );
  const server = buildApp({
    pool,
    bus,
    config: readConfig({
      DATABASE_URL: databaseUrl,
      NATS_URL: nats.url,
      AUTH_JWKS_URL: 'http://127.0.0.1:9/not-fetched',
      REDIS_URL: 'redis://127.0.0.1:9',
    }),
    logger: silent,
    sessions: sessionVerifier({ keys: localKeys(keys.jwks), maxAgeSeconds: 3600, isRevoked: () => false }),
  }).listen(0);
  try {
    await migrate(pool, [migrationsDir]);
    await seed(pool);
    await relay.start();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = (pathAndQuery: string) => () => fetch(`${base}${pathAndQuery}`);

    const { rows } = await pool.query(
      `SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint AS micros FROM tickets
       WHERE status = 'available' AND NOT event_started ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1`,
      [DEEP_POSITION - 1],
    );
    const deepCursor = encodeCursor({ sort: 'newest', key: rows[0].micros, id: rows[0].id });
    const cookie = `session=${signSession({ id: randomUUID(), email: 'bench@example.com' }, { key: keys.signing, sessionId: randomUUID(), ttlSeconds: 3600 })}`;

    const http = {
      alive: await httpLoad(HTTP_REQUESTS, get('/alive')),
      firstPage: await httpLoad(HTTP_REQUESTS, get('/api/tickets')),
      commonSearch: await httpLoad(HTTP_REQUESTS, get('/api/tickets?q=jazz')),
      rareSearch: await httpLoad(HTTP_REQUESTS, (i) =>
        fetch(`${base}/api/tickets?q=%23${10000 + ((i * 7919) % 90000)}`),
      ),
      deepPage: await httpLoad(HTTP_REQUESTS, get(`/api/tickets?cursor=${deepCursor}`)),
      create: await httpLoad(CREATE_REQUESTS, (i) =>
        fetch(`${base}/api/tickets`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Bench gig ${i}`, price: 12.5 }),
        }),
      ),
    };

    const listSql = `SELECT id, title FROM tickets WHERE status = 'available' AND NOT event_started AND search_text LIKE fold_for_search($1) ORDER BY created_at DESC, id DESC LIMIT 21`;
    const keysetSql = `SELECT id FROM tickets WHERE status = 'available' AND NOT event_started
      AND (created_at, id) < (timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::uuid)
      ORDER BY created_at DESC, id DESC LIMIT 21`;
    const offsetSql = `SELECT id FROM tickets WHERE status = 'available' AND NOT event_started ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 21`;
    const rare = ['%#54321%'];
    const sql = {
      keyset: await timeQuery(pool, keysetSql, [rows[0].micros, rows[0].id]),
      offset: await timeQuery(pool, offsetSql, [DEEP_POSITION]),
      rareIndexed: await timeQuery(pool, listSql, rare, true),
      rarePlan: await planOf(pool, listSql, rare),
      commonPlan: await planOf(pool, listSql, ['%jazz%']),
    };
    await pool.query('DROP INDEX tickets_available_search_trgm');
    const rareUnindexed = await timeQuery(pool, listSql, rare, true);

    const row = (name: string, s: Summary, baseline?: [string, Summary]) => [
      name,
      ms(s.p50),
      ms(s.p99),
      rate(s.perSecond),
      baseline ? `${ratio(s.p50, baseline[1].p50)} of ${baseline[0]} p50` : '',
    ];
    return [
      '## Tickets: list, search, deep pages, create',
      '',
      `${TICKETS.toLocaleString('en-US')} tickets seeded (about 83% available). HTTP: ${HTTP_REQUESTS} requests per row (${CREATE_REQUESTS} creates), ${CONCURRENCY} in flight,`,
      'load generator in the same process as the service. Create = insert + outbox row in one transaction, relayed to JetStream meanwhile.',
      '',
      table(
        ['HTTP request', 'p50', 'p99', 'throughput', 'vs baseline'],
        [
          row('GET /alive (baseline: bare HTTP round trip)', http.alive),
          row('GET /api/tickets (first page of 20)', http.firstPage, ['/alive', http.alive]),
          row('GET /api/tickets?q=jazz (10% of titles)', http.commonSearch, ['/alive', http.alive]),
          row('GET /api/tickets?q=#NNNNN (one title)', http.rareSearch, ['/alive', http.alive]),
          row(`GET /api/tickets?cursor= (page at ${DEEP_POSITION.toLocaleString('en-US')})`, http.deepPage, [
            '/alive',
            http.alive,
          ]),
          row('POST /api/tickets', http.create, ['/alive', http.alive]),
        ],
      ),
      '',
      `SQL alone, ${SQL_RUNS} runs each, one at a time:`,
      '',
      table(
        ['query', 'p50', 'p99', 'vs baseline'],
        [
          [
            `keyset page at ${DEEP_POSITION.toLocaleString('en-US')}`,
            ms(sql.keyset.p50),
            ms(sql.keyset.p99),
            `baseline OFFSET ${DEEP_POSITION}: ${ms(sql.offset.p50)} p50, keyset is ${ratio(sql.offset.p50, sql.keyset.p50)} faster`,
          ],
          [
            'rare title search, trigram index',
            ms(sql.rareIndexed.p50),
            ms(sql.rareIndexed.p99),
            `baseline without the index: ${ms(rareUnindexed.p50)} p50, index is ${ratio(rareUnindexed.p50, sql.rareIndexed.p50)} faster`,
          ],
        ],
      ),
      '',
      `Plans: rare search: ${sql.rarePlan}; common search: ${sql.commonPlan}.`,
    ].join('\n');
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await relay.stop();
    await bus.close();
    await pool.end();
    await nats.stop();
    await postgres.stop();
    temp.remove();
  }
}
