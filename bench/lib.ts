import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

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
