import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../processes';
import type { Upstreams } from '../gateway/routes';
import {
  frontends,
  replicaNames,
  roster,
  routedServices,
  serviceNames,
  type ReplicaName,
  type RoutedService,
  type ServiceName,
} from '../roster';
import {
  createServiceDatabases,
  infrastructureLaunchers,
  infrastructureUrls,
  INFRASTRUCTURE,
  killLeftovers,
  PidFile,
} from './launch-infrastructure';
import {
  baseEnvironment,
  CLIENT_SERVER,
  sessionSigningKeyFor,
  launchClient,
  launchGateway,
  launchService,
  ROOT,
} from './launch-service';
import { Supervisor, type ProcessName } from './supervise';

export type { ProcessName } from './supervise';

/**
 * The whole of MicroTick on one machine, without Docker or a cluster: a private PostgreSQL (one
 * database per service), nats-server with JetStream, redis-server, every service, the client and the
 * gateway. `make up` runs it with fixed ports and .data/; browser, chaos and benchmark runs use free
 * ports and a throwaway directory.
 */

export interface StackOptions {
  /** Where PostgreSQL, JetStream and Redis keep their files (and the generated session signing key). */
  dataDir: string;
  /** Gateway port; 0 picks a free one. */
  port?: number;
  /** Standard local ports (make up) instead of free ones (tests, benchmarks). */
  fixedPorts?: boolean;
  /** Extra environment for every service, e.g. ORDER_EXPIRATION_SECONDS. */
  env?: Record<string, string | undefined>;
  /** Which services to run; default: every service whose source exists. */
  services?: ServiceName[];
  /**
   * Processes per service (default 1), e.g. { orders: 2 }: each replica has its own port and process
   * (`orders`, `orders-2`), shares the service's database, and the gateway balances over them.
   */
  replicas?: Partial<Record<ServiceName, number>>;
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
  infra: { postgres: string; nats: string; redis: string; smtp: string; mailWeb: string };
  databaseUrl(service: ServiceName): string;
  /** The processes running a service, one per replica: `orders`, `orders-2`, … */
  replicasOf(service: ServiceName): ReplicaName[];
  /** The running process id of one process, if it is running. */
  pid(name: ProcessName): number | undefined;
  /** Kills one process (SIGKILL by default) without restarting it. */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a process that was killed, and waits until it is ready. */
  start(name: ProcessName): Promise<void>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const runDir = path.join(dataDir, 'run');
  await killLeftovers(runDir);
  const pidFile = new PidFile(runDir);
  const log = options.log ?? (() => undefined);
  const output = (name: string) => (line: string) => log(name, line);
  const supervisor = new Supervisor(log);

  const services = options.services ?? serviceNames.filter((s) => existsSync(path.join(ROOT, s, 'src/index.ts')));
  const withClient = options.client ?? existsSync(CLIENT_SERVER);
  const replicasOf = (service: ServiceName) => replicaNames(service, options.replicas?.[service]);
  const serviceProcesses = services.flatMap(replicasOf);
  const ports: Record<string, number> = {};
  for (const { name, port } of roster.filter((s) => services.includes(s.name)))
    for (const replica of replicasOf(name))
      ports[replica] = options.fixedPorts && replica === name ? port : await freePort();
  if (withClient) ports.client = options.fixedPorts ? frontends.client.port : await freePort();
  ports.gateway = options.port || (options.fixedPorts ? frontends.gateway.port : await freePort());

  const stopAll = () => supervisor.stopAll([['gateway'], ['client'], serviceProcesses, [...INFRASTRUCTURE]]);

  const infraLaunchers = infrastructureLaunchers({
    dataDir,
    fixedPorts: options.fixedPorts,
    durable: options.durable,
    output,
    pidFile,
    ports,
  });
  for (const name of INFRASTRUCTURE) supervisor.register(name, infraLaunchers[name]);
  const infra = { postgres: '', nats: '', redis: '', smtp: '', mailWeb: '' };
  try {
    await supervisor.startAll([...INFRASTRUCTURE]);
    Object.assign(infra, infrastructureUrls(ports));
    await createServiceDatabases(infra.postgres);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const databaseUrl = (service: ServiceName) =>
    `${infra.postgres}/${roster.find((s) => s.name === service)?.database ?? service}`;

  const env = baseEnvironment({ infra, ports, env: options.env });
  const sessionSigningKey = sessionSigningKeyFor(dataDir);
  const launching = { output, pidFile, env };
  for (const service of services) {
    const { database } = roster.find((s) => s.name === service)!;
    for (const replica of replicasOf(service))
      supervisor.register(
        replica,
        () =>
          launchService(service, {
            ...launching,
            name: replica,
            port: ports[replica],
            databaseUrl: database ? databaseUrl(service) : undefined,
            nodeArgs: options.nodeArgs,
            sessionSigningKey,
          }),
        { restart: options.autoRestart },
      );
  }
  // The gateway balances over every replica of a routed service (the others know the first replica).
  const portOf = (name: RoutedService | 'client') =>
    name === 'client' ? frontends.client.port : roster.find((s) => s.name === name)!.port;
  const upstreamOf = (name: RoutedService | 'client') =>
    (services.includes(name as ServiceName) ? replicasOf(name as ServiceName) : [name])
      .map((replica) => `http://127.0.0.1:${ports[replica] ?? portOf(name)}`)
      .join(',');
  const upstreams = Object.fromEntries(
    [...routedServices.map((s) => s.name), 'client' as const].map((name) => [name, upstreamOf(name)]),
  ) as Upstreams;
  if (withClient)
    supervisor.register('client', () => launchClient({ ...launching, port: ports.client }), {
      restart: options.autoRestart,
    });
  supervisor.register(
    'gateway',
    () =>
      launchGateway({
        ...launching,
        port: ports.gateway,
        upstreams,
        devMail: env.MAIL_WEB_URL,
        dir: path.join(runDir, 'gateway'),
      }),
    { restart: options.autoRestart },
  );

  try {
    // Services start together; each waits for its own /health (database, bus, Redis reachable).
    await supervisor.startAll(serviceProcesses);
    if (withClient) await supervisor.start('client');
    await supervisor.start('gateway');
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    url: `http://localhost:${ports.gateway}`,
    ports,
    infra,
    databaseUrl,
    replicasOf,
    pid: (name: ProcessName) => supervisor.pid(name),
    kill: (name: ProcessName, signal: NodeJS.Signals = 'SIGKILL') => supervisor.stop(name, signal),
    start: (name: ProcessName) => supervisor.start(name),
    stop: stopAll,
  };
}
