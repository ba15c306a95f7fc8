import os from 'node:os';
import { startTestStack, type StackOptions, type TestStack } from '@microtick/devstack';
import { medianBy, ms, rate, table } from './lib';
import { ordersCeiling, runOnSale, type OnSaleOptions, type OnSaleResult } from './on-sale/scenario';
import { faults } from './on-sale/verdict';

/**
 * The on-sale: far more buyers than tickets in the same second, through the gateway, on the whole stack
 * (durable PostgreSQL, JetStream, Redis, every service as its own process). Each configuration runs
 * three times after an untimed small on-sale that warms the path; the run with the median time to
 * answer everyone is reported, the others beside it; with one replica each, one more follows a quiet spell.
 * Compared with the orders-only ceiling of the same stack: the same 2,000 orders sent straight to the
 * orders service as fast as it answers.
 */

const ON_SALE: Omit<OnSaleOptions, 'seed'> = { tickets: 100, buyers: 2000, windowMs: 1000 };
const RUNS = 3;
/**
 * A real on-sale opens after a quiet spell, not right after another burst: one more run follows 70 s
 * without traffic (longer than the gateway's 60 s upstream idle timeout and the pools' 30 s).
 */
const QUIET_MS = 70_000;

/** Each process's CPU, largest first, and the whole stack's per buyer: what capacity planning starts from. */
function cpuLine(cpuMs: Record<string, number>, buyers: number): string {
  const used = Object.entries(cpuMs).filter(([, ms]) => ms > 0);
  const total = used.reduce((sum, [, ms]) => sum + ms, 0);
  return (
    used
      .sort(([, a], [, b]) => b - a)
      .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`)
      .join(', ') + `; in all ${(total / 1000).toFixed(2)} s, ${(total / buyers).toFixed(2)} ms per buyer`
  );
}

const seconds = (msValue: number) => (Number.isFinite(msValue) ? `${(msValue / 1000).toFixed(2)} s` : 'never');

async function measure(stack: TestStack, { afterQuiet }: { afterQuiet: boolean }) {
  await runOnSale(stack, { tickets: 10, buyers: 200, windowMs: 200, seed: 1 }); // warm-up, not reported
  const ceiling = await ordersCeiling(stack, { ...ON_SALE, seed: 2, connections: 100 });
  const runs: OnSaleResult[] = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await runOnSale(stack, { ...ON_SALE, seed: 10 + run }));
  if (!afterQuiet) return { ceiling, runs };
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  return { ceiling, runs, quiet: await runOnSale(stack, { ...ON_SALE, seed: 20 }) };
}

/** The cells of one on-sale's row after its label. */
function onSaleCells(result: OnSaleResult): string[] {
  const v = result.verdict;
  const problems = faults(v, ON_SALE.tickets);
  if (result.stored.emailsSent !== 2 * v.paid)
    problems.push(`${result.stored.emailsSent} emails sent, not ${2 * v.paid}`);
  const other = Object.entries(v.otherAnswers)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
  return [
    seconds(v.allHeldMs),
    seconds(v.allPaidMs),
    seconds(v.allAnsweredMs),
    `${ms(v.orderLatencyMs.p50)} / ${ms(v.orderLatencyMs.p99)}`,
    `${ms(v.paymentLatencyMs.p50)} / ${ms(v.paymentLatencyMs.p99)}`,
    `${v.held} × 201, ${v.clearConflicts} × clear 409${other ? `, ${other}` : ''}; ${v.serverErrors} 5xx; ` +
      `double-sold: ${v.doubleSold} (stored: ${result.stored.doubleSold}); paid ${v.paid} ` +
      `(stored: ${result.stored.succeededPayments}); all sold ${seconds(result.allSoldMs)} after opening; ` +
      `${result.stored.emailsSent} emails sent (a receipt and a "sold" per sale)` +
      (problems.length ? `; **wrong: ${problems.join(', ')}**` : ''),
    `${v.firstComeWins}/${v.contested} tickets went to their first asker` +
      (v.worstOvertaking > 0 ? ` (worst: ${v.worstOvertaking} earlier askers overtaken)` : ''),
  ];
}

/** An on-sale's cells with its whole stack's CPU added to the outcome. */
function quietCells(result: OnSaleResult): string[] {
  const cells = onSaleCells(result);
  const cpu = Object.values(result.cpuMs).reduce((sum, used) => sum + Math.max(used, 0), 0);
  cells[5] += `; CPU in all ${(cpu / 1000).toFixed(2)} s, ${(cpu / ON_SALE.buyers).toFixed(2)} ms per buyer`;
  return cells;
}

function rows(label: string, { ceiling, runs, quiet }: Awaited<ReturnType<typeof measure>>): (string | number)[][] {
  const { median, sorted } = medianBy(runs, (r) => r.verdict.allAnsweredMs);
  const v = median.verdict;
  const afterQuiet = quiet
    ? [[`${label}: one more on-sale after ${QUIET_MS / 1000} s without traffic`, ...quietCells(quiet)]]
    : [];
  return [
    [
      `${label}: on-sale (median of ${RUNS} by time to answer all; ${sorted
        .map((r) => seconds(r.verdict.allAnsweredMs))
        .join(', ')})`,
      ...onSaleCells(median),
    ],
    ...afterQuiet,
    [
      `${label}: orders-only ceiling, ${ON_SALE.buyers.toLocaleString('en-US')} orders straight to orders, 100 connections`,
      '–',
      '–',
      seconds(ceiling.elapsedMs),
      '–',
      '–',
      `${rate(ceiling.perSecond)}; ${Object.entries(ceiling.statuses)
        .map(([s, n]) => `${n} × ${s}`)
        .join(', ')}; the on-sale took ${(v.allAnsweredMs / ceiling.elapsedMs).toFixed(2)}× as long`,
      '–',
    ],
    [
      `${label}: CPU from the opening until every ticket was sold (median run), by process`,
      '–',
      '–',
      '–',
      '–',
      '–',
      cpuLine(median.cpuMs, ON_SALE.buyers),
      '–',
    ],
    [
      `${label}: payments whose order payments had not learned from the bus within its 1 s wait (answered 404, retried after 20 ms)`,
      '–',
      '–',
      '–',
      '–',
      '–',
      `${median.paymentRetries} retries in the median run`,
      '–',
    ],
  ];
}

/** A fresh stack for each configuration, so the second does not start with the first's tables. */
async function onFreshStack(replicas: StackOptions['replicas'], afterQuiet = false) {
  const stack = await startTestStack({
    durable: true,
    replicas,
    // The seller puts 100 tickets on sale in a second; buyers write once or twice each, within any limit.
    env: { LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000000' },
  });
  try {
    return await measure(stack, { afterQuiet });
  } finally {
    await stack.cleanup();
  }
}

export async function run(): Promise<string> {
  const loadBefore = os.loadavg()[0];
  const single = await onFreshStack(undefined, true);
  const two = await onFreshStack({ orders: 2, tickets: 2, payments: 2 });
  return [
    `## On-sale: ${ON_SALE.buyers.toLocaleString('en-US')} buyers for ${ON_SALE.tickets} tickets within one second`,
    '',
    `${ON_SALE.tickets} tickets of one event; ${ON_SALE.buyers.toLocaleString('en-US')} buyers, each with its own signed-in`,
    "session (signed with auth's key beforehand: sign-in's hashing is measured on its own above; each signed up",
    'before the sale, so notifications knows their addresses and every sale\'s receipt and "sold" emails go out)',
    "and its own keep-alive connection to the gateway (opened by loading the event's list first, as a browser would), arrive",
    `evenly within ${ON_SALE.windowMs} ms; each orders one ticket (seeded choice, so some tickets draw more buyers`,
    'than others), and those who get one pay at once with pm_card_visa. Times are from the opening; latencies',
    'from each request being sent. The whole stack as in `make up`, durable PostgreSQL, load generator on the same',
    'cores. First come, first served: a ticket went to the earliest of the buyers who asked for it.',
    '',
    table(
      [
        'run',
        'all 100 held',
        'all 100 paid',
        'all answered',
        'order p50 / p99',
        'payment p50 / p99',
        'outcome',
        'fairness',
      ],
      [...rows('one replica each', single), ...rows('two replicas of orders, tickets, payments', two)],
    ),
    '',
    `Targets: all ${ON_SALE.buyers.toLocaleString('en-US')} answered within 1.5 s, order p99 under 1 s, exactly ` +
      `${ON_SALE.tickets} × 201 and ${(ON_SALE.buyers - ON_SALE.tickets).toLocaleString('en-US')} × 409, no 5xx, ` +
      `no double-sells. Load average (1 min) before: ${loadBefore.toFixed(1)} on ${os.cpus().length} cores.`,
  ].join('\n');
}
