import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, type Stack, type StackOptions } from '../scripts/stack';

/**
 * End-to-end helpers: the real stack (bundled services as child processes, real PostgreSQL, NATS,
 * Redis, gateway) on free ports in a throwaway directory, and a small cookie-keeping API client.
 * Run `node scripts/build.mjs` first (make test does).
 */
export async function startTestStack(
  options: Partial<StackOptions> = {},
): Promise<Stack & { dataDir: string; cleanup(): Promise<void> }> {
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

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** One user's view of the API through the gateway, keeping the session cookie like a browser. */
export class ApiClient {
  private cookie = '';
  readonly email = `user-${randomUUID()}@example.com`;
  id = '';

  constructor(private readonly baseUrl: string) {}

  async request<T = any>(method: string, url: string, body?: unknown): Promise<ApiResponse<T>> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const setCookie = res.headers.get('set-cookie');
    const session = setCookie?.match(/session=([^;]*)/);
    if (session) this.cookie = session[1] ? `session=${session[1]}` : '';
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async signUp(): Promise<this> {
    const res = await this.request('POST', '/api/users/signup', {
      email: this.email,
      password: 'a good long password',
    });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.id = res.body.id;
    return this;
  }
}

/** Polls until check returns a truthy value (events propagate asynchronously). */
export async function waitFor<T>(check: () => Promise<T | false | undefined | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
