import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import {
  freePort,
  startNats,
  startPostgres,
  startRedis,
  stopProcess,
  waitForPort,
  type RunningServer,
} from '../common/src/infra/processes';
import { SERVICE_KEEP_ALIVE_TIMEOUT_MS } from '../common/src/http/listen';

/**
 * The whole of MicroTick on one machine, without Docker or a cluster: a private PostgreSQL (one
 * database per service), nats-server with JetStream, redis-server, every service, the client and the
 * gateway. `make up` runs it with fixed ports and .data/; browser, chaos and benchmark runs use free
 * ports and a throwaway directory.
 */

export const SERVICES = ['auth', 'tickets', 'orders', 'expiration', 'payments'] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ProcessName = ServiceName | 'client' | 'gateway' | 'postgres' | 'nats' | 'redis';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_PORTS: Record<ServiceName | 'client', number> = {
  client: 4000,
  auth: 4001,
  tickets: 4002,
  orders: 4003,
  expiration: 4004,
  payments: 4005,
};
const DATABASES: Partial<Record<ServiceName, string>> = {
  auth: 'auth',
  tickets: 'tickets',
  orders: 'orders',
  payments: 'payments',
};

export interface StackOptions {
  /** Where PostgreSQL, JetStream and Redis keep their files (and the generated JWT key). */
  dataDir: string;
  /** Gateway port; 0 picks a free one. */
  port?: number;
  /** Standard local ports (make up) instead of free ones (tests, benchmarks). */
  fixedPorts?: boolean;
  /** Extra environment for every service, e.g. ORDER_EXPIRATION_SECONDS. */
  env?: Record<string, string | undefined>;
  /** Which services to run; default: every service whose source exists. */
  services?: ServiceName[];
  /** Start the Next.js client (needs `next build` first); default: when a build exists. */
  client?: boolean;
  /** Restart a service that exits unexpectedly (make up). */
  autoRestart?: boolean;
  /** Durable PostgreSQL and Redis AOF (make up); throwaway runs trade durability for speed. */
  durable?: boolean;
  log?: (name: string, line: string) => void;
  /** Extra Node.js flags for the services, e.g. ['--cpu-prof'] to profile them under a benchmark. */
  nodeArgs?: string[];
}

export interface Stack {
  url: string;
  ports: Record<string, number>;
  infra: { postgres: string; nats: string; redis: string };
  databaseUrl(service: ServiceName): string;
  /** The running process id of one process, if it is running. */
  pid(name: ProcessName): number | undefined;
  /** Kills one process (SIGKILL by default) without restarting it. */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a process that was killed, and waits until it is ready. */
  start(name: ProcessName): Promise<void>;
  stop(): Promise<void>;
}

interface Managed {
  name: ProcessName;
  child?: ChildProcess | RunningServer;
  launch: () => Promise<ChildProcess | RunningServer>;
  stopping: boolean;
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
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

const processOf = (c: ChildProcess | RunningServer): ChildProcess => ('process' in c ? c.process : c);

/** Auth's Ed25519 session key, made once per data directory, so sessions survive restarts of `make up`. */
export function sessionSigningKeyFor(dataDir: string): string {
  const file = path.join(dataDir, 'session-signing.key');
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8');
}

/**
 * Processes left running by a run that was killed hard would hold the ports and PostgreSQL's data
 * directory: end them first (SIGTERM; PostgreSQL's fast shutdown also ends its backends) and wait.
 */
async function killLeftovers(runDir: string): Promise<void> {
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'pids.json');
  if (!existsSync(file)) return;
  const pids = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { pid: number; cmd: string }>;
  const alive = (pid: number, cmd: string) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cmd);
    } catch {
      return false;
    }
  };
  const leftovers = Object.values(pids).filter(({ pid, cmd }) => alive(pid, cmd));
  for (const { pid } of leftovers) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (leftovers.some(({ pid, cmd }) => alive(pid, cmd)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const { pid, cmd } of leftovers) if (alive(pid, cmd)) process.kill(pid, 'SIGKILL');
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const runDir = path.join(dataDir, 'run');
  await killLeftovers(runDir);
  const pidFile: Record<string, { pid: number; cmd: string }> = {};
  const recordPid = (name: string, child: ChildProcess, cmd: string) => {
    if (child.pid) pidFile[name] = { pid: child.pid, cmd };
    writeFileSync(path.join(runDir, 'pids.json'), JSON.stringify(pidFile));
  };

  const log = options.log ?? (() => undefined);
  const output = (name: string) => (line: string) => log(name, line);
  const services = options.services ?? SERVICES.filter((s) => existsSync(path.join(ROOT, s, 'src/index.ts')));
  const withClient = options.client ?? existsSync(path.join(ROOT, 'client/.next/standalone/client/server.js'));
  const port = async (name: ServiceName | 'client') => (options.fixedPorts ? DEFAULT_PORTS[name] : freePort());

  const ports: Record<string, number> = {};
  for (const name of [...services, ...(withClient ? (['client'] as const) : [])]) ports[name] = await port(name);
  ports.gateway = options.port || (options.fixedPorts ? 3000 : await freePort());

  const infraPorts: Partial<Record<'postgres' | 'nats' | 'redis', number>> = options.fixedPorts
    ? { postgres: 55432, nats: 54222, redis: 56379 }
    : {};
  const managed = new Map<ProcessName, Managed>();
  const register = (name: ProcessName, launch: Managed['launch']) =>
    managed.set(name, { name, launch, stopping: false });

  const stopOne = async (name: ProcessName, signal: NodeJS.Signals = 'SIGTERM') => {
    const entry = managed.get(name);
    if (!entry?.child) return;
    entry.stopping = true;
    const child = entry.child;
    if ('stop' in child && signal === 'SIGTERM') await child.stop();
    else await stopProcess(processOf(child), signal, 15_000);
  };
  let shuttingDown = false;
  const stopAll = async () => {
    shuttingDown = true;
    await stopOne('gateway');
    await stopOne('client');
    await Promise.all(services.map((s) => stopOne(s)));
    await Promise.all((['postgres', 'nats', 'redis'] as const).map((s) => stopOne(s)));
  };

  register('postgres', async () => {
    const server = await startPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: infraPorts.postgres,
      output: output('postgres'),
      fast: !options.durable,
    });
    recordPid('postgres', server.process, 'postgres');
    return server;
  });
  register('nats', async () => {
    const server = await startNats({
      storeDir: path.join(dataDir, 'nats'),
      port: infraPorts.nats,
      output: output('nats'),
    });
    recordPid('nats', server.process, 'nats-server');
    return server;
  });
  register('redis', async () => {
    const server = await startRedis({
      dataDir: path.join(dataDir, 'redis'),
      port: infraPorts.redis,
      output: output('redis'),
      persistent: true,
    });
    recordPid('redis', server.process, 'redis-server');
    return server;
  });

  const launchInfra = async (name: 'postgres' | 'nats' | 'redis') => {
    const entry = managed.get(name)!;
    const server = (await entry.launch()) as RunningServer;
    entry.child = server;
    ports[name] = server.port;
    infraPorts[name] = server.port; // a restart comes back on the same port
    return server;
  };
  const infra = {
    postgres: '',
    nats: '',
    redis: '',
  };
  try {
    // allSettled: on a failure, the servers that did start are known (and stopped below) before we throw.
    const launched = await Promise.allSettled((['postgres', 'nats', 'redis'] as const).map(launchInfra));
    const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    infra.postgres = `postgres://postgres@127.0.0.1:${ports.postgres}`;
    infra.nats = `nats://127.0.0.1:${ports.nats}`;
    infra.redis = `redis://127.0.0.1:${ports.redis}`;
    const admin = new pg.Client({ connectionString: `${infra.postgres}/postgres` });
    await admin.connect();
    try {
      for (const database of Object.values(DATABASES)) {
        const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
      }
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  const databaseUrl = (service: ServiceName) => `${infra.postgres}/${DATABASES[service] ?? service}`;

  const sessionSigningKey = sessionSigningKeyFor(dataDir);
  const serviceUrl = (name: ServiceName | 'client') => `http://127.0.0.1:${ports[name]}`;
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Only the gateway listens beyond this machine: every service binds loopback.
    HOST: '127.0.0.1',
    NATS_URL: infra.nats,
    REDIS_URL: infra.redis,
    AUTH_URL: `http://127.0.0.1:${ports.auth ?? DEFAULT_PORTS.auth}`,
    TICKETS_URL: `http://127.0.0.1:${ports.tickets ?? DEFAULT_PORTS.tickets}`,
    ORDERS_URL: `http://127.0.0.1:${ports.orders ?? DEFAULT_PORTS.orders}`,
    PAYMENTS_URL: `http://127.0.0.1:${ports.payments ?? DEFAULT_PORTS.payments}`,
    CLIENT_URL: `http://127.0.0.1:${ports.client ?? DEFAULT_PORTS.client}`,
    AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth ?? DEFAULT_PORTS.auth}/api/users/.well-known/jwks.json`,
    ...Object.fromEntries(Object.entries(options.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined)),
  };

  const spawnNode = (name: ProcessName, args: string[], env: Record<string, string>, cwd = ROOT) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    splitLines(child.stdout, output(name));
    splitLines(child.stderr, output(name));
    recordPid(name, child, args[args.length - 1]);
    return child;
  };

  /** Waits until a just-spawned process is ready; one that never gets there is stopped, not leaked. */
  const whenReady = async (child: ChildProcess, ready: Promise<void>): Promise<ChildProcess> => {
    try {
      await ready;
      return child;
    } catch (err) {
      await stopProcess(child, 'SIGKILL');
      throw err;
    }
  };

  for (const service of services) {
    register(service, async () => {
      const entry = path.join(ROOT, service, 'dist/index.js');
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' first`);
      const env: Record<string, string> = { ...baseEnv, PORT: String(ports[service]) };
      if (DATABASES[service]) env.DATABASE_URL = databaseUrl(service);
      // Auth alone can sign sessions; the others fetch its public keys from AUTH_JWKS_URL.
      if (service === 'auth') env.AUTH_SIGNING_KEY = sessionSigningKey;
      const child = spawnNode(service, [...(options.nodeArgs ?? []), '--enable-source-maps', entry], env);
      return whenReady(child, waitForHttp(`${serviceUrl(service)}/health`, child));
    });
  }
  if (withClient) {
    register('client', async () => {
      // The same standalone server the image runs (npm run build copies the static files beside it).
      const server = path.join(ROOT, 'client/.next/standalone/client/server.js');
      const child = spawnNode(
        'client',
        [server],
        {
          ...baseEnv,
          NODE_ENV: 'production',
          PORT: String(ports.client),
          HOSTNAME: '127.0.0.1',
          NEXT_TELEMETRY_DISABLED: '1',
          KEEP_ALIVE_TIMEOUT: String(SERVICE_KEEP_ALIVE_TIMEOUT_MS),
        },
        path.join(ROOT, 'client'),
      );
      return whenReady(child, waitForHttp(`${serviceUrl('client')}/alive`, child, 90_000));
    });
  }
  register('gateway', async () => {
    const child = spawnNode('gateway', [path.join(ROOT, 'gateway/dist/index.js')], {
      ...baseEnv,
      MICROTICK_PORT: String(ports.gateway),
    });
    return whenReady(child, waitForPort(ports.gateway, 20_000, child));
  });

  const superviseAndStart = async (name: ProcessName) => {
    const entry = managed.get(name)!;
    if (['postgres', 'nats', 'redis'].includes(name)) {
      await launchInfra(name as 'postgres' | 'nats' | 'redis');
    } else {
      entry.child = await entry.launch();
    }
    entry.stopping = false;
    const child = processOf(entry.child!);
    child.once('exit', (code, signal) => {
      if (shuttingDown || entry.stopping || entry.child === undefined || processOf(entry.child) !== child) return;
      log(name, `exited unexpectedly (${code ?? signal})`);
      if (options.autoRestart && !['postgres', 'nats', 'redis'].includes(name)) {
        setTimeout(() => {
          if (!entry.stopping && !shuttingDown)
            superviseAndStart(name).catch((err) => log(name, `restart failed: ${String(err)}`));
        }, 1000);
      }
    });
  };

  try {
    // Services start together; each waits for its own /health (database, bus, Redis reachable). All
    // settle before a failure is thrown, so the stop below finds every service that did start.
    const started = await Promise.allSettled(services.map((s) => superviseAndStart(s)));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (withClient) await superviseAndStart('client');
    await superviseAndStart('gateway');
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    url: `http://localhost:${ports.gateway}`,
    ports,
    infra,
    databaseUrl,
    pid: (name) => {
      const child = managed.get(name)?.child;
      return child ? processOf(child).pid : undefined;
    },
    kill: (name, signal = 'SIGKILL') => stopOne(name, signal),
    start: (name) => superviseAndStart(name),
    stop: stopAll,
  };
}
