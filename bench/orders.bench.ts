import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Bus, createLogger, createPool, migrate, OutboxRelay, signSession } from '@microtick/common';
import { startNats, startPostgres } from '@microtick/common/testing';
import { buildApp } from '../orders/src/app';
import { readConfig } from '../orders/src/config';
import { migrationsDir } from '../orders/src/db/migrations';
import { insertCommitBaseline, ms, rate, ratio, runConcurrently, summarise, table, tempDir, type Summary } from './lib';

/**
 * POST /api/orders at 50 and 100 concurrent buyers: over distinct tickets (every request succeeds) and all on
 * one ticket (the partial unique index lets exactly one through). Baseline: a bare INSERT + COMMIT at
 * the same concurrency on the same PostgreSQL, measured in the same run.
 */

const LEVELS = [50, 100];
const DISTINCT_REQUESTS = 2000;
const CONTENDED_ROUNDS = 20;

const silent = createLogger('bench', 'silent');

/** The port opens before PostgreSQL accepts connections, so retry until it does. */
async function createDatabase(serverUrl: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const admin = new pg.Client({ connectionString: serverUrl });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      return;
    } catch (err) {
      if (attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
}

/** Tickets straight into the replica, as if their ticket.created events had been applied. */
async function seedTickets(pool: pg.Pool, count: number): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO tickets (id, title, price, user_id, version)
     SELECT gen_random_uuid(), 'Bench gig #' || i, 1000 + i, gen_random_uuid(), 0 FROM generate_series(1, $1) AS i
     RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id);
}

export async function run(): Promise<string> {
  const temp = tempDir('orders');
  const postgres = await startPostgres({ dataDir: path.join(temp.dir, 'pg') });
  const nats = await startNats({ storeDir: path.join(temp.dir, 'nats') });
  await createDatabase(postgres.url, 'orders');
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/orders');
  const jwtKey = 'bench-jwt-key-that-is-long-enough-0123456789';
  const config = readConfig({ DATABASE_URL: databaseUrl, NATS_URL: nats.url, JWT_KEY: jwtKey });
  // The service's own pool size, as src/index.ts creates it.
  const pool = createPool(databaseUrl);
  const bus = await Bus.connect({ url: nats.url, name: 'orders-bench', logger: silent });
  const relay = new OutboxRelay({ pool, bus, logger: silent });
  const server = buildApp({ pool, bus, config, logger: silent }).listen(0);
  try {
    await migrate(pool, [migrationsDir]);
    await relay.start();
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = `${origin}/api/orders`;
    const buyers = Array.from({ length: Math.max(...LEVELS) * 2 }, () => {
      const token = signSession({ id: randomUUID(), email: 'buyer@example.com' }, { jwtKey, ttlSeconds: 3600 });
      return `session=${token}`;
    });
    const order = async (ticketId: string, buyer: string): Promise<number> => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { cookie: buyer, 'content-type': 'application/json' },
        body: JSON.stringify({ ticketId }),
      });
      await res.arrayBuffer();
      return res.status;
    };

    // Warm-up: connections, JIT, prepared plans.
    const warmUp = await seedTickets(pool, 200);
    await runConcurrently(warmUp.length, LEVELS[0], (i) => order(warmUp[i], buyers[i % buyers.length]));

    const sections: string[] = [];
    for (const CONCURRENCY of LEVELS) {
      const loadBefore = os.loadavg()[0];
      // Context, not the baseline: what the HTTP stack alone costs at this concurrency.
      const aliveRun = await runConcurrently(DISTINCT_REQUESTS, CONCURRENCY, async () =>
        (await fetch(`${origin}/alive`)).arrayBuffer(),
      );
      const alive = summarise(aliveRun.latencies, aliveRun.elapsedMs);

      const distinctTickets = await seedTickets(pool, DISTINCT_REQUESTS);
      const distinctRun = await runConcurrently(DISTINCT_REQUESTS, CONCURRENCY, (i) =>
        order(distinctTickets[i], buyers[i % buyers.length]),
      );
      const distinctStatuses = distinctRun.results as number[];
      const distinct = summarise(distinctRun.latencies, distinctRun.elapsedMs);

      // Each round: 50 different buyers send POST /api/orders for the same fresh ticket at once.
      const contendedTickets = await seedTickets(pool, CONTENDED_ROUNDS);
      const contendedLatencies: number[] = [];
      const contendedStatuses: number[] = [];
      let contendedElapsedMs = 0;
      const roundsWithOneWinner: boolean[] = [];
      for (const ticketId of contendedTickets) {
        const round = await runConcurrently(CONCURRENCY, CONCURRENCY, (i) => order(ticketId, buyers[i]));
        const statuses = round.results as number[];
        contendedLatencies.push(...round.latencies);
        contendedStatuses.push(...statuses);
        contendedElapsedMs += round.elapsedMs;
        roundsWithOneWinner.push(statuses.filter((s) => s === 201).length === 1);
      }
      const contended = summarise(contendedLatencies, contendedElapsedMs);
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM orders WHERE ticket_id = ANY($1::uuid[])',
        [contendedTickets],
      );

      const baseline = await insertCommitBaseline(databaseUrl, DISTINCT_REQUESTS, CONCURRENCY);

      const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
      const others = (statuses: number[]) => statuses.length - count(statuses, 201) - count(statuses, 409);
      const row = (name: string, s: Summary, outcome: string) => [
        name,
        ms(s.p50),
        ms(s.p99),
        rate(s.perSecond),
        baseline === s
          ? '1.00×'
          : `${ratio(s.p50, baseline.p50)} p50, ${ratio(s.p99, baseline.p99)} p99, ${ratio(s.perSecond, baseline.perSecond)} throughput`,
        outcome,
      ];
      sections.push(
        [
          `## Orders: POST /api/orders under ${CONCURRENCY} concurrent buyers`,
          '',
          `The orders app in-process behind a real HTTP port (fetch from the same process), its default pool of 10`,
          `connections, the outbox relay publishing order.created to JetStream meanwhile; PostgreSQL with its default`,
          `durability (fsync on). Each order is: read the ticket replica, then one transaction inserting the order`,
          `(checked by the partial unique index) and its outbox row. ${CONCURRENCY} requests in flight throughout.`,
          '',
          table(
            ['workload', 'p50', 'p99', 'throughput', 'vs baseline (INSERT+COMMIT)', 'outcome'],
            [
              row(
                `${DISTINCT_REQUESTS} orders, each for a distinct ticket`,
                distinct,
                `${count(distinctStatuses, 201)} × 201, ${count(distinctStatuses, 409)} × 409, ${others(distinctStatuses)} other`,
              ),
              row(
                `${CONTENDED_ROUNDS} rounds × ${CONCURRENCY} buyers on one ticket`,
                contended,
                `${count(contendedStatuses, 201)} successes, ${count(contendedStatuses, 409)} conflicts, ${others(contendedStatuses)} other; ` +
                  `${roundsWithOneWinner.filter(Boolean).length}/${CONTENDED_ROUNDS} rounds with exactly one success; ${rows[0].n} order rows`,
              ),
              row(`Baseline: ${DISTINCT_REQUESTS} × bare INSERT + COMMIT, pool of ${CONCURRENCY}`, baseline, ''),
              row(
                `Context: ${DISTINCT_REQUESTS} × GET /alive on the same server`,
                alive,
                'HTTP stack alone, no database',
              ),
            ],
          ),
          '',
          `Load average (1 min) when the measurements started: ${loadBefore.toFixed(1)} on ${os.cpus().length} cores.`,
        ].join('\n'),
      );
    }
    return sections.join('\n\n');
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
