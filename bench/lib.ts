import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadSigningKeys, signSession, type UserPayload } from '@microtick/common';
import { freePort, startTestStack, waitForPort } from '@microtick/devstack';

/** Shared measuring helpers for bench/*.bench.ts: percentiles, concurrency loops, baselines. */

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

/** The items sorted by `score`, and the middle one: how a figure measured a few times is reported. */
export function medianBy<T>(items: T[], score: (item: T) => number): { median: T; sorted: T[] } {
  const sorted = [...items].sort((a, b) => score(a) - score(b));
  return { median: sorted[Math.floor(sorted.length / 2)], sorted };
}

export function summarise(latenciesMs: number[], elapsedMs: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    perSecond: (sorted.length / elapsedMs) * 1000,
  };
}

/** Runs `task` `total` times with `concurrency` in flight; returns each call's latency and the wall time. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<{ latencies: number[]; elapsedMs: number; results: unknown[] }> {
  const latencies: number[] = [];
  const results: unknown[] = new Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        results[i] = await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started, results };
}

/** The PostgreSQL baseline: a bare INSERT + COMMIT per call, at the given concurrency, on the same server. */
export async function insertCommitBaseline(databaseUrl: string, total: number, concurrency: number): Promise<Summary> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS bench_baseline (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)');
    // Connect the whole pool first, as a running service has: opening backends is not what is measured.
    const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
    for (const client of clients) client.release();
    const run = await runConcurrently(total, concurrency, async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('INSERT INTO bench_baseline (payload) VALUES ($1)', ['x']);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    return summarise(run.latencies, run.elapsedMs);
  } finally {
    await pool.end();
  }
}

/**
 * Open-loop load: request i is due at start + i / ratePerSecond whatever the earlier answers, over at
 * most `connections` keep-alive sockets. Latency counts from when a request was due, so time spent
 * waiting for a free socket is included (no coordinated omission). Returns latencies and statuses.
 */
export async function openLoop(options: {
  url: string;
  ratePerSecond: number;
  total: number;
  connections: number;
  request: (i: number) => { method: string; headers: Record<string, string>; body?: string };
}): Promise<{ summary: Summary; statuses: Record<string, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const started = performance.now();
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const { method, headers, body } = options.request(i);
      const req = http.request(options.url, { method, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - due);
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve();
        });
      });
      req.on('error', () => {
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < options.total; i += 1) {
    const due = started + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i, due));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { summary: summarise(latencies, performance.now() - started), statuses };
}

/**
 * One bundled service as its own process (as in production) with durable PostgreSQL, a small pool on
 * its database for seeding and checks, and the stack's JWT key for signing sessions.
 * BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>" profiles the service while it is measured.
 */
export async function startServiceForBench(service: 'orders' | 'payments', env: Record<string, string> = {}) {
  const stack = await startTestStack({
    // Auth serves the keys the service verifies sessions with; the write limit would throttle the load.
    services: ['auth', service],
    durable: true,
    env: { LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000000', ...env },
    nodeArgs: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean),
  });
  const pool = new pg.Pool({ connectionString: stack.databaseUrl(service), max: 4 });
  const { signing } = loadSigningKeys(readFileSync(path.join(stack.dataDir, 'session-signing.key'), 'utf8'));
  return {
    stack,
    pool,
    /** A session cookie as auth would set it (the service does not look the session up, only its revocation). */
    sessionCookie: (user: UserPayload) =>
      `session=${signSession(user, { key: signing, sessionId: randomUUID(), ttlSeconds: 3600 })}`,
    async stop() {
      await pool.end();
      await stack.cleanup();
    },
  };
}

export interface PostsMeasured {
  p50: number;
  p99: number;
  perSecond: number;
  statuses: Record<string, number>;
}

/**
 * Closed loop: one JSON POST per request built by `request(i)` (its body and session cookie), `total` in
 * all, `connections` in flight, from autocannon in this process. Throughput counts from the first request
 * to the last answer: autocannon itself ends on a 1 s tick, which quantised the rate (3000 requests in
 * 4.1 s counted as 5 s).
 */
export async function postEach(
  url: string,
  total: number,
  connections: number,
  request: (i: number) => { body: string; cookie: string },
): Promise<PostsMeasured> {
  let next = 0;
  const statuses: Record<string, number> = {};
  let firstSent = 0;
  let lastAnswered = 0;
  const result = await autocannon({
    url,
    connections,
    amount: total,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const i = next++;
          if (i === 0) firstSent = performance.now();
          const { body, cookie } = request(i);
          return { ...req, body, headers: { ...req.headers, cookie } };
        },
        onResponse: (status) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          lastAnswered = performance.now();
        },
      },
    ],
  });
  const elapsed = lastAnswered - firstSent;
  return { p50: result.latency.p50, p99: result.latency.p99, perSecond: (total / elapsed) * 1000, statuses };
}

/** The HTTP ceiling: a bare Express hello-world at `connections`, 5 s after a 1 s warm-up. */
export async function helloWorld(connections: number): Promise<{ p50: number; p99: number; perSecond: number }> {
  const server = await bareExpress();
  try {
    await autocannon({ url: server.url, connections, duration: 1 });
    const result = await autocannon({ url: server.url, connections, duration: 5 });
    return { p50: result.latency.p50, p99: result.latency.p99, perSecond: result.requests.average };
  } finally {
    server.stop();
  }
}

/** The two baseline rows under a write benchmark's table: INSERT + COMMIT, and the HTTP ceiling. */
export function writeBaselineRows(
  requests: number,
  connections: number,
  baseline: Summary,
  hello: { p50: number; p99: number; perSecond: number },
): string[][] {
  return [
    [
      `Baseline: ${requests.toLocaleString('en-US')} × bare INSERT + COMMIT, pool of ${connections}`,
      ms(baseline.p50),
      ms(baseline.p99),
      rate(baseline.perSecond),
      '1.00×',
      '',
    ],
    [
      `HTTP ceiling: bare Express hello-world, ${connections} connections, 5 s`,
      ms(hello.p50),
      ms(hello.p99),
      rate(hello.perSecond),
      `${ratio(hello.perSecond, baseline.perSecond)} of the INSERT + COMMIT rate`,
      '',
    ],
  ];
}

/** The HTTP baseline: a bare Express hello-world in its own process. */
export async function bareExpress(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['-e', `require('express')().get('/', (q, s) => s.json({ hello: 'world' })).listen(${port}, '127.0.0.1')`],
    { stdio: 'ignore', cwd: __dirname },
  );
  await waitForPort(port, 10_000, child);
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

export const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)} ms` : 'n/a');
export const rate = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
export const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

export function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/** A throwaway directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `microtick-bench-${prefix}-`));
  // PostgreSQL runs as an unprivileged user when we are root and must be able to enter it.
  require('node:fs').chmodSync(dir, 0o755);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** CPU time (user + system) a process and all its descendants have used so far, in ms, from /proc. */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command's closing parenthesis: ppid is the 2nd, utime the 12th, stime the 13th.
      stats.set(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' '));
    } catch {
      // the process ended meanwhile
    }
  }
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const fields = stats.get(current);
    if (fields) total += (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100 on Linux
    for (const [child, f] of stats) if (Number(f[1]) === current) pending.push(child);
  }
  return total;
}

/** Measures the CPU that `pids` spend while `work` runs, in ms per `count`. */
export async function cpuPer<T>(
  pids: Record<string, number | undefined>,
  count: (result: T) => number,
  work: () => Promise<T>,
): Promise<{ result: T; perItemMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  const result = await work();
  const n = count(result);
  const perItemMs = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, (cpuMs(pid) - before[name]) / n]),
  );
  return { result, perItemMs };
}
