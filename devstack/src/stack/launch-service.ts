import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SERVICE_KEEP_ALIVE_TIMEOUT_MS } from '@microtick/common';
import { gatewayConfigPath, spawnGateway } from '../gateway/haproxy';
import type { Upstreams } from '../gateway/routes';
import { forEachLine, stopProcess } from '../processes';
import { frontends, roster, type ServiceName } from '../roster';
import type { PidFile } from './launch-infrastructure';

export const ROOT = path.resolve(__dirname, '../../..');
export const CLIENT_SERVER = path.join(ROOT, 'client/.next/standalone/client/server.js');

/**
 * Node.js flags of every service, here as in the image (infra/docker/service.Dockerfile;
 * infra/validate checks they agree). Without the memory reducer V8 keeps the heap an on-sale grew instead
 * of shrinking it after a quiet minute: the orders service spent 1.4–2.2× the CPU on an on-sale's orders
 * after 70 s idle, most of it garbage collection regrowing the heap (docs/performance.md, sixth round).
 */
export const SERVICE_NODE_FLAGS = ['--enable-source-maps', '--no-memory-reducer'];

/**
 * Auth's session key, made once per data directory, so sessions survive restarts of `make up`: RSA-2048
 * (tokens RS256). A data directory from before RS256 keeps its Ed25519 key, which auth still accepts.
 */
export function sessionSigningKeyFor(dataDir: string): string {
  const file = path.join(dataDir, 'session-signing.key');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

/** What every process of the stack is told: where the bus, Redis and each of the others are. */
export function baseEnvironment(options: {
  infra: { nats: string; redis: string; smtp: string; mailWeb: string };
  ports: Record<string, number>;
  env?: Record<string, string | undefined>;
}): Record<string, string> {
  const url = (name: ServiceName | 'client', fallback: number) => `http://127.0.0.1:${options.ports[name] ?? fallback}`;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Only the gateway listens beyond this machine: every service binds loopback.
    HOST: '127.0.0.1',
    NATS_URL: options.infra.nats,
    REDIS_URL: options.infra.redis,
    // Auth's reset emails go to the local mail server; their links point at the gateway.
    SMTP_URL: options.infra.smtp,
    APP_URL: `http://localhost:${options.ports.gateway}`,
    // Development only: the gateway shows the local mail server's messages at /dev/mail.
    MAIL_WEB_URL: options.infra.mailWeb,
    ...Object.fromEntries(roster.map((s) => [`${s.name.toUpperCase()}_URL`, url(s.name, s.port)])),
    CLIENT_URL: url('client', frontends.client.port),
    // Through the gateway, as a cluster's services reach auth through its Service: any auth replica that
    // is up answers (the first replica alone left the others keyless while it was down).
    AUTH_JWKS_URL: `http://127.0.0.1:${options.ports.gateway}/api/users/.well-known/jwks.json`,
    ...Object.fromEntries(Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
  };
}

export async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url}: process exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until a just-spawned process is ready; one that never gets there is stopped, not leaked. */
async function whenReady(child: ChildProcess, ready: Promise<void>): Promise<ChildProcess> {
  try {
    await ready;
    return child;
  } catch (err) {
    await stopProcess(child, 'SIGKILL');
    throw err;
  }
}

export interface NodeLauncherOptions {
  output: (name: string) => (line: string) => void;
  pidFile: PidFile;
}

function spawnNode(
  name: string,
  args: string[],
  env: Record<string, string>,
  options: NodeLauncherOptions,
  cwd = ROOT,
) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  forEachLine(child, options.output(name));
  options.pidFile.record(name, child.pid, args[args.length - 1]);
  return child;
}

/** One bundled service (<service>/dist/index.js), ready when its /health answers. */
export function launchService(
  service: ServiceName,
  options: NodeLauncherOptions & {
    /** The process's name in logs and the pid file when the stack runs several replicas (orders-2). */
    name?: string;
    port: number;
    env: Record<string, string>;
    databaseUrl?: string;
    nodeArgs?: string[];
    /** Auth's session signing key: auth alone signs; the others fetch its public keys (AUTH_JWKS_URL). */
    sessionSigningKey?: string;
  },
): Promise<ChildProcess> {
  const entry = path.join(ROOT, service, 'dist/index.js');
  if (!existsSync(entry)) return Promise.reject(new Error(`${entry} is missing: run 'npm run build' first`));
  const env: Record<string, string> = { ...options.env, PORT: String(options.port) };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (service === 'auth' && options.sessionSigningKey) env.AUTH_SIGNING_KEY = options.sessionSigningKey;
  const child = spawnNode(
    options.name ?? service,
    [...(options.nodeArgs ?? []), ...SERVICE_NODE_FLAGS, entry],
    env,
    options,
  );
  return whenReady(child, waitForHttp(`http://127.0.0.1:${options.port}/health`, child));
}

/** The Next.js standalone server, the same one the image runs (npm run build copies the static files beside it). */
export function launchClient(
  options: NodeLauncherOptions & { port: number; env: Record<string, string> },
): Promise<ChildProcess> {
  const env = {
    ...options.env,
    NODE_ENV: 'production',
    // The client refuses to start in production unless it knows which payment form to show.
    PAYMENTS_SANDBOX: options.env.STRIPE_SECRET_KEY ? 'false' : 'true',
    PORT: String(options.port),
    HOSTNAME: '127.0.0.1',
    NEXT_TELEMETRY_DISABLED: '1',
    KEEP_ALIVE_TIMEOUT: String(SERVICE_KEEP_ALIVE_TIMEOUT_MS),
  };
  const child = spawnNode('client', [CLIENT_SERVER], env, options, path.join(ROOT, 'client'));
  return whenReady(child, waitForHttp(`http://127.0.0.1:${options.port}/alive`, child, 90_000));
}

/**
 * The local gateway (HAProxy, devstack/src/gateway): its configuration goes to `dir`. The
 * pid file names it by its configuration's path, which is in the process's command line.
 */
export async function launchGateway(
  options: NodeLauncherOptions & { port: number; upstreams: Upstreams; devMail?: string; dir: string },
): Promise<ChildProcess> {
  const child = await spawnGateway({
    port: options.port,
    upstreams: options.upstreams,
    devMail: options.devMail,
    dir: options.dir,
    onLine: options.output('gateway'),
  });
  options.pidFile.record('gateway', child.pid, gatewayConfigPath(options.dir));
  return child;
}
