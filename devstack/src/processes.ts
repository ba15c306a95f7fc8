import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Starts the real servers MicroTick needs, from Debian's packages, as child processes on loopback:
 * used by the test harness (throwaway directories, free ports) and by `make up` (under .data/).
 */

export interface RunningServer {
  name: string;
  port: number;
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Ports for throwaway servers come from a block of this process's own, below the kernel's ephemeral
 * range (32768 and up), handed out in turn and checked free. Asking the kernel for port 0 and closing
 * it again let two components of one stack, or two test files running side by side, get the same
 * port (Redis and a service did, in a CI run). A block is claimed with a lock file holding the
 * claimant's pid, so Jest workers, and test runs in other checkouts on the same machine, never share
 * one (a block chosen by Jest worker id alone gave every checkout's first worker the same ports, and a
 * gateway routed one run's sign-up to another run's service). A lock whose process is gone is reused.
 */
const PORT_BLOCK_SIZE = 500;
const PORT_BLOCKS = 40; // ports 10000-29999
const PORT_LOCKS = path.join(os.tmpdir(), 'microtick-port-blocks');
let portBlock: number | undefined;
let nextPortInBlock = 0;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function claimPortBlock(): number {
  mkdirSync(PORT_LOCKS, { recursive: true, mode: 0o1777 });
  const first = process.pid % PORT_BLOCKS;
  for (let i = 0; i < PORT_BLOCKS; i += 1) {
    const block = (first + i) % PORT_BLOCKS;
    const lock = path.join(PORT_LOCKS, String(block));
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released while we looked
      }
      if (holder === process.pid) return block;
      // An empty file is a claim still being written.
      if (!holder || isAlive(holder)) continue;
      // The holder is gone: take the block over, unless another process got there first.
      rmSync(lock, { force: true });
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' });
      } catch {
        continue;
      }
    }
    process.once('exit', () => rmSync(lock, { force: true }));
    return block;
  }
  throw new Error(`every port block is claimed (see ${PORT_LOCKS})`);
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

export async function freePort(): Promise<number> {
  portBlock ??= claimPortBlock();
  for (let tries = 0; tries < PORT_BLOCK_SIZE; tries += 1) {
    const port = 10_000 + portBlock * PORT_BLOCK_SIZE + (nextPortInBlock++ % PORT_BLOCK_SIZE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in block ${portBlock}`);
}

export async function waitForPort(port: number, timeoutMs = 20_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server's binary: Debian puts some in /usr/sbin, which is not on every user's PATH. */
export function which(binary: string, extraDirs: string[] = []): string {
  for (const dir of [...extraDirs, ...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin']) {
    const candidate = path.join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${binary} not found: install it with 'make deps' (Debian package)`);
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return path.join(root, versions[0], 'bin');
  }
  return path.dirname(which('postgres'));
}

/** PostgreSQL refuses to run as root: when we are root, its files and process belong to `nobody`. */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: 65534, gid: 65534 };
}

function chownTree(dir: string, ids: { uid: number; gid: number }): void {
  chownSync(dir, ids.uid, ids.gid);
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) chownTree(full, ids);
    else chownSync(full, ids.uid, ids.gid);
  }
}

/** Signals the process and resolves when it has exited; SIGKILL after graceMs. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

type Output = 'inherit' | 'ignore' | ((line: string) => void);

/** Calls onLine with each non-blank line a child prints on stdout and stderr. */
export function forEachLine(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
}

function attachOutput(child: ChildProcess, output: Output): void {
  if (typeof output === 'function') forEachLine(child, output);
}

const stdio = (output: Output) => (output === 'inherit' ? 'inherit' : output === 'ignore' ? 'ignore' : 'pipe');

/** The port opens before PostgreSQL accepts queries ("the database system is starting up"). */
async function waitForPostgresReady(port: number, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}`);
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`postgres not ready after ${timeoutMs} ms: ${String(err)}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export interface PostgresOptions {
  dataDir: string;
  port?: number;
  output?: Output;
  /** Trade durability for speed: for throwaway test clusters only. */
  fast?: boolean;
}

export async function startPostgres(options: PostgresOptions): Promise<RunningServer> {
  const bin = postgresBinDir();
  const ids = unprivileged();
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  if (ids) chownTree(options.dataDir, ids);
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    const init = spawnSync(
      path.join(bin, 'initdb'),
      ['-D', options.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'],
      { encoding: 'utf8', ...(ids ?? {}) },
    );
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    writeFileSync(path.join(options.dataDir, 'postgresql.auto.conf'), "listen_addresses = '127.0.0.1'\n");
    if (ids) chownTree(options.dataDir, ids);
  }
  const settings = [
    ['port', String(port)],
    ['listen_addresses', '127.0.0.1'],
    ['unix_socket_directories', ''],
    ['max_connections', '300'],
    ['shared_buffers', '128MB'],
    ...(options.fast
      ? [
          ['fsync', 'off'],
          ['synchronous_commit', 'off'],
          ['full_page_writes', 'off'],
        ]
      : []),
  ];
  const child = spawn(
    path.join(bin, 'postgres'),
    ['-D', options.dataDir, ...settings.flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    {
      stdio: ['ignore', stdio(options.output ?? 'ignore'), stdio(options.output ?? 'ignore')],
      // Its own process group: a Ctrl-C in the terminal reaches only our launcher, which stops things in order.
      detached: true,
      ...(ids ?? {}),
    },
  );
  attachOutput(child, options.output ?? 'ignore');
  await waitForPort(port, 30_000, child);
  await waitForPostgresReady(port, child);
  return {
    name: 'postgres',
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    process: child,
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    stop: () => stopProcess(child, 'SIGINT'),
  };
}

export interface NatsOptions {
  storeDir: string;
  port?: number;
  output?: Output;
}

export async function startNats(options: NatsOptions): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.storeDir, { recursive: true });
  const child = spawn(which('nats-server'), ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', options.storeDir], {
    stdio: ['ignore', stdio(options.output ?? 'ignore'), stdio(options.output ?? 'ignore')],
    detached: true,
  });
  attachOutput(child, options.output ?? 'ignore');
  await waitForPort(port, 20_000, child);
  return { name: 'nats', port, url: `nats://127.0.0.1:${port}`, process: child, stop: () => stopProcess(child) };
}

export interface RedisOptions {
  dataDir: string;
  port?: number;
  output?: Output;
  /** AOF persistence, fsync every second; off for throwaway test servers. */
  persistent?: boolean;
}

export async function startRedis(options: RedisOptions): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dataDir,
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
  ];
  const child = spawn(which('redis-server'), args, {
    stdio: ['ignore', stdio(options.output ?? 'ignore'), stdio(options.output ?? 'ignore')],
    detached: true,
  });
  attachOutput(child, options.output ?? 'ignore');
  await waitForPort(port, 20_000, child);
  return { name: 'redis', port, url: `redis://127.0.0.1:${port}`, process: child, stop: () => stopProcess(child) };
}

export interface MailOptions {
  dataDir: string;
  /** The SMTP port the services send to. */
  port?: number;
  /** Where /dev/mail is served (the gateway proxies it in `make up`). */
  webPort?: number;
  output?: Output;
}

export type MailServer = RunningServer & { webPort: number; webUrl: string };

/** The local SMTP server that keeps every message (devstack/src/mail), run by tsx as its own process. */
export async function startMailServer(options: MailOptions): Promise<MailServer> {
  const port = options.port ?? (await freePort());
  const webPort = options.webPort ?? (await freePort());
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'mail/main.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      MAIL_DIR: options.dataDir,
      SMTP_PORT: String(port),
      MAIL_WEB_PORT: String(webPort),
    },
    stdio: ['ignore', stdio(options.output ?? 'ignore'), stdio(options.output ?? 'ignore')],
    detached: true,
  });
  attachOutput(child, options.output ?? 'ignore');
  await waitForPort(port, 20_000, child);
  await waitForPort(webPort, 20_000, child);
  return {
    name: 'mail',
    port,
    url: `smtp://127.0.0.1:${port}`,
    webPort,
    webUrl: `http://127.0.0.1:${webPort}`,
    process: child,
    stop: () => stopProcess(child),
  };
}
