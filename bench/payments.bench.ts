import os from 'node:os';
import pg from 'pg';
import type { UserPayload } from '@microtick/common';
import {
  cpuPer,
  helloWorld,
  insertCommitBaseline,
  ms,
  postEach,
  rate,
  ratio,
  startServiceForBench,
  table,
  writeBaselineRows,
} from './lib';

/**
 * POST /api/payments at 50 concurrent buyers, against the bundled payments service running as its own
 * process (as in production) with the sandbox gateway (no STRIPE_SECRET_KEY) and durable PostgreSQL.
 * Each buyer pays their own distinct open order with pm_card_visa, so every request should succeed: the
 * replica read, the charge, the payment and its outbox row, the relay publishing payment.created. Load
 * from autocannon in this process. Baselines: a bare INSERT + COMMIT at the same concurrency on the same
 * PostgreSQL, and a bare Express hello-world, same run.
 */

const CONNECTIONS = 50;
const PAYMENTS = 3000;
const WARM_UP = 1000;

interface Order {
  id: string;
  userId: string;
}

/** Open orders straight into the replica, as if their order.created events had been applied and tickets had reserved their tickets. */
async function seedOrders(pool: pg.Pool, count: number): Promise<Order[]> {
  const { rows } = await pool.query<Order>(
    `INSERT INTO orders (id, user_id, status, price_cents, expires_at, version, ticket_held)
     SELECT gen_random_uuid(), gen_random_uuid(), 'created', 1000 + i, now() + interval '15 minutes', 0, true
     FROM generate_series(1, $1) AS i
     RETURNING id, user_id AS "userId"`,
    [count],
  );
  return rows;
}

/** Sends one POST /api/payments per order, each signed in as that order's buyer, `connections` in flight. */
async function payAll(url: string, orders: Order[], sessionCookie: (user: UserPayload) => string) {
  // Signed before the clock starts: the load generator's own work is not what is measured.
  const cookies = orders.map((o) => sessionCookie({ id: o.userId, email: 'buyer@example.com' }));
  return postEach(url, orders.length, CONNECTIONS, (i) => ({
    body: JSON.stringify({ orderId: orders[i].id, paymentMethod: 'pm_card_visa' }),
    cookie: cookies[i],
  }));
}

export async function run(): Promise<string> {
  const { stack, pool, sessionCookie, stop } = await startServiceForBench('payments');
  try {
    const url = `http://127.0.0.1:${stack.ports.payments}/api/payments`;
    await payAll(url, await seedOrders(pool, WARM_UP), sessionCookie); // warm-up (JIT, pool, prepared statements)

    const loadBefore = os.loadavg()[0];
    const orders = await seedOrders(pool, PAYMENTS);
    // CPU per payment is the figure that survives a busy machine: throughput moves with the neighbours.
    const { result: measured, perItemMs: cpu } = await cpuPer(
      { payments: stack.pid('payments'), postgres: stack.pid('postgres') },
      () => PAYMENTS,
      () => payAll(url, orders, sessionCookie),
    );
    const { rows } = await pool.query<{ payments: number }>(
      "SELECT count(*)::int AS payments FROM payments WHERE status = 'succeeded'",
    );
    const baseline = await insertCommitBaseline(stack.databaseUrl('payments'), PAYMENTS, CONNECTIONS);
    const hello = await helloWorld(CONNECTIONS);
    const outcome = Object.entries(measured.statuses)
      .map(([status, n]) => `${n} × ${status}`)
      .join(', ');

    return [
      `## Payments: POST /api/payments under ${CONNECTIONS} concurrent buyers`,
      '',
      'The bundled payments service as its own process with its default settings and the sandbox gateway (its',
      'outbox relay publishing payment.created to JetStream meanwhile), PostgreSQL with fsync on. Each buyer pays',
      'their own distinct open order (seeded into the replica) with pm_card_visa, so every request should be a 201.',
      `Load: autocannon, ${CONNECTIONS} connections, in the benchmark process on the same 2 cores.`,
      '',
      table(
        ['workload', 'p50', 'p99', 'throughput', 'vs baseline', 'outcome'],
        [
          [
            `${PAYMENTS.toLocaleString('en-US')} payments, each of a distinct open order`,
            ms(measured.p50),
            ms(measured.p99),
            rate(measured.perSecond),
            `${ratio(measured.perSecond, baseline.perSecond)} throughput, ${ratio(measured.p99, baseline.p99)} p99`,
            `${outcome}; ${rows[0].payments.toLocaleString('en-US')} succeeded payment rows ` +
              `(${WARM_UP.toLocaleString('en-US')} of them from the warm-up)`,
          ],
          ...writeBaselineRows(PAYMENTS, CONNECTIONS, baseline, hello),
        ],
      ),
      '',
      `CPU per payment: the payments process ${ms(cpu.payments)}, PostgreSQL (all its processes) ${ms(cpu.postgres)}. ` +
        `Load average (1 min) before: ${loadBefore.toFixed(1)} on ${os.cpus().length} cores. Closed loop (every ` +
        'buyer sends the next payment as soon as the last is answered), so latency is concurrency ÷ throughput.',
    ].join('\n');
  } finally {
    await stop();
  }
}
