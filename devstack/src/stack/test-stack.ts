import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack, type StackOptions } from './start-stack';

export type TestStack = Stack & { dataDir: string; cleanup(): Promise<void> };

/**
 * The real stack (bundled services as child processes, real PostgreSQL, NATS, Redis, gateway) on free
 * ports in a throwaway directory, for browser, chaos and benchmark runs. Run `npm run build` first
 * (make test does).
 */
export async function startTestStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microtick-e2e-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as an unprivileged user when we are root
  const lines: string[] = [];
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir,
      client: false,
      log: (name, line) => {
        lines.push(`${name}| ${line}`);
        if (lines.length > 2000) lines.shift();
      },
      ...options,
      // Tests drive many requests per user and address; the limits have tests of their own.
      env: { LOG_LEVEL: 'warn', AUTH_RATE_LIMIT: '10000', WRITE_RATE_LIMIT: '100000', ...options.env },
    });
  } catch (err) {
    // Show the last lines the processes printed: the reason is usually there.
    console.error(lines.slice(-60).join('\n'));
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...stack,
    dataDir,
    async cleanup() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
