import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startMailServer, startNats, startPostgres, startRedis, type RunningServer } from '../processes';
import { servicesWithDatabase } from '../roster';

/** mail: the local SMTP server that keeps every message, shown at /dev/mail (never deployed). */
export const INFRASTRUCTURE = ['postgres', 'nats', 'redis', 'mail'] as const;
export type InfraName = (typeof INFRASTRUCTURE)[number];

/**
 * make up's fixed ports; throwaway stacks take free ones. All below 32768, where Linux's ephemeral ports
 * begin: a port in that range can be held as the local end of any outgoing connection (after a
 * benchmark's thousands of them, PostgreSQL could not bind 55432 and make up failed).
 */
const FIXED_PORTS: Record<InfraName | 'mail-web', number> = {
  postgres: 15432,
  nats: 14222,
  redis: 17379,
  mail: 11025,
  'mail-web': 18025,
};

/** The pids of a stack's processes in <dataDir>/run/pids.json, so the next run can end what a hard kill left. */
export class PidFile {
  private readonly pids: Record<string, { pid: number; cmd: string }> = {};
  private readonly file: string;

  constructor(runDir: string) {
    this.file = path.join(runDir, 'pids.json');
  }

  record(name: string, pid: number | undefined, cmd: string): void {
    if (pid) this.pids[name] = { pid, cmd };
    writeFileSync(this.file, JSON.stringify(this.pids));
  }
}

/**
 * Processes left running by a run that was killed hard would hold the ports and PostgreSQL's data
 * directory: end them first (SIGTERM; PostgreSQL's fast shutdown also ends its backends) and wait.
 */
export async function killLeftovers(runDir: string): Promise<void> {
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

export interface InfrastructureOptions {
  dataDir: string;
  fixedPorts?: boolean;
  /** Durable PostgreSQL (make up); throwaway runs trade durability for speed. */
  durable?: boolean;
  output: (name: InfraName) => (line: string) => void;
  pidFile: PidFile;
  /** Filled in with each server's port as it starts. */
  ports: Record<string, number>;
}

/**
 * How to start PostgreSQL, nats-server and redis-server under dataDir. A server started again after a
 * kill comes back on the port it had, so the services' URLs stay valid.
 */
export function infrastructureLaunchers(
  options: InfrastructureOptions,
): Record<InfraName, () => Promise<RunningServer>> {
  const { dataDir, ports, pidFile, output } = options;
  const portOf = (name: InfraName | 'mail-web') => ports[name] ?? (options.fixedPorts ? FIXED_PORTS[name] : undefined);
  const started = (name: InfraName, cmd: string) => (server: RunningServer) => {
    ports[name] = server.port;
    pidFile.record(name, server.process.pid, cmd);
    return server;
  };
  return {
    postgres: () =>
      startPostgres({
        dataDir: path.join(dataDir, 'postgres'),
        port: portOf('postgres'),
        output: output('postgres'),
        fast: !options.durable,
      }).then(started('postgres', 'postgres')),
    nats: () =>
      startNats({ storeDir: path.join(dataDir, 'nats'), port: portOf('nats'), output: output('nats') }).then(
        started('nats', 'nats-server'),
      ),
    redis: () =>
      startRedis({
        dataDir: path.join(dataDir, 'redis'),
        port: portOf('redis'),
        output: output('redis'),
        persistent: true,
      }).then(started('redis', 'redis-server')),
    mail: () =>
      startMailServer({
        dataDir: path.join(dataDir, 'mail'),
        port: portOf('mail'),
        webPort: portOf('mail-web'),
        output: output('mail'),
      }).then((server) => {
        ports['mail-web'] = server.webPort;
        return started('mail', 'mail/main.ts')(server);
      }),
  };
}

export const infrastructureUrls = (ports: Record<string, number>) => ({
  postgres: `postgres://postgres@127.0.0.1:${ports.postgres}`,
  nats: `nats://127.0.0.1:${ports.nats}`,
  redis: `redis://127.0.0.1:${ports.redis}`,
  smtp: `smtp://127.0.0.1:${ports.mail}`,
  mailWeb: `http://127.0.0.1:${ports['mail-web']}`,
});

/** One database per service that has one (roster), created when missing. */
export async function createServiceDatabases(postgresUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${postgresUrl}/postgres` });
  await admin.connect();
  try {
    for (const { database } of servicesWithDatabase) {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await admin.query(`CREATE DATABASE ${database}`);
    }
  } finally {
    await admin.end();
  }
}
