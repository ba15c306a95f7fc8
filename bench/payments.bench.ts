import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Bus, createLogger, createPool, migrate, OutboxRelay, signSession } from '@microtick/common';
import { startNats, startPostgres } from '@microtick/common/testing';
import { buildApp } from '../payments/src/app';
import { readConfig } from '../payments/src/config';
import { migrationsDir } from '../payments/src/db/migrations';
import { createGateway } from '../payments/src/gateway';
import {
  createDatabase,
  insertCommitBaseline,
  ms,
  rate,
  ratio,
  runConcurrently,
  summarise,
  table,
  tempDir,
} from './lib';

/**
 * POST /api/payments throughput with the sandbox gateway at 50 concurrent buyers, each paying a distinct
 * open order (every request succeeds: replica read, charge, payment row + outbox row in one transaction,
 * relay publishing payment.created). Baseline: a bare INSERT + COMMIT at the same concurrency, same server.
 */

const CONCURRENCY = 50;
const PAYMENTS = 2000;
const silent = createLogger('bench', 'silent');

/** Open orders straight into the replica, as if their order.created events had been applied. */
async function seedOrders(pool: pg.Pool, count: number): Promise<{ id: string; userId: string }[]> {
  const { rows } = await pool.query<{ id: string; userId: string }>(
    `INSERT INTO orders (id, user_id, status, price, expires_at, version)
     SELECT gen_random_uuid(), gen_random_uuid(), 'created', 1000 + i, now() + interval '15 minutes', 0 FROM generate_series(1, $1) AS i
     RETURNING id, user_id AS "userId"`,
    [count],
  );
  return rows;
}

export async function run(): Promise<string> {
  const temp = tempDir('payments');
  const postgres = await startPostgres({ dataDir: path.join(temp.dir, 'pg') });
  const nats = await startNats({ storeDir: path.join(temp.dir, 'nats') });
  await createDatabase(postgres.url, 'payments');
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/payments');
  const jwtKey = 'bench-jwt-key-that-is-long-enough-0123456789';
  const config = readConfig({ DATABASE_URL: databaseUrl, NATS_URL: nats.url, JWT_KEY: jwtKey });
  const pool = createPool(databaseUrl);
  const bus = await Bus.connect({ url: nats.url, name: 'payments-bench', logger: silent });
  const relay = new OutboxRelay({ pool, bus, logger: silent });
  const gateway = createGateway(config, silent);
  const server = buildApp({ pool, bus, gateway, config, logger: silent }).listen(0);
  try {
    await migrate(pool, [migrationsDir]);
    await relay.start();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/payments`;
    const payAll = async (orders: { id: string; userId: string }[]) =>
      runConcurrently(orders.length, CONCURRENCY, async (i) => {
        const cookie = `session=${signSession({ id: orders[i].userId, email: 'buyer@example.com' }, { jwtKey, ttlSeconds: 3600 })}`;
        const res = await fetch(url, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json' },
          body: JSON.stringify({ orderId: orders[i].id, paymentMethod: 'pm_card_visa' }),
        });
        await res.arrayBuffer();
        return res.status;
      });

    await payAll(await seedOrders(pool, 200)); // warm-up
    const measuredRun = await payAll(await seedOrders(pool, PAYMENTS));
    const measured = summarise(measuredRun.latencies, measuredRun.elapsedMs);
    const created = (measuredRun.results as number[]).filter((s) => s === 201).length;
    const baseline = await insertCommitBaseline(databaseUrl, PAYMENTS, CONCURRENCY);

    return [
      '## Payments: POST /api/payments with the sandbox gateway',
      '',
      `${PAYMENTS.toLocaleString('en-US')} payments of distinct open orders, ${CONCURRENCY} in flight; ${created} answered 201. Baseline: a bare INSERT + COMMIT at the same concurrency on the same PostgreSQL.`,
      '',
      table(
        ['case', 'p50', 'p99', 'throughput', 'vs baseline'],
        [
          [
            'POST /api/payments (sandbox)',
            ms(measured.p50),
            ms(measured.p99),
            rate(measured.perSecond),
            `${ratio(measured.p50, baseline.p50)} p50, ${ratio(measured.p99, baseline.p99)} p99, ${ratio(measured.perSecond, baseline.perSecond)} throughput`,
          ],
          ['baseline: INSERT + COMMIT', ms(baseline.p50), ms(baseline.p99), rate(baseline.perSecond), '1.00×'],
        ],
      ),
    ].join('\n');
  } finally {
    await new Promise((r) => server.close(r));
    await relay.stop();
    await bus.close();
    await pool.end();
    await postgres.stop();
    await nats.stop();
    temp.remove();
  }
}
