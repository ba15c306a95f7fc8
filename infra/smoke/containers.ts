/**
 * The container smoke run of `make test-images`: every Deployment of the rendered production overlay
 * runs as a podman container with the settings read from its manifest (env, user, read-only root,
 * dropped capabilities, no privilege escalation, emptyDir mounts as tmpfs, memory and CPU limits),
 * init containers first. PostgreSQL, Redis and nats-server (the real infra/k8s/base/data/nats.conf)
 * run on this machine; the only settings changed are their addresses (and Stripe's: a local fake
 * server). One origin in front routes like the cluster (the local gateway, HAProxy), the buyer's journey
 * runs through it, then every container gets its preStop hook and SIGTERM and must exit 0 within its
 * terminationGracePeriodSeconds.
 *
 *   npx tsx infra/smoke/containers.ts     (after infra/images/build.sh; needs root for the bridge)
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON. */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, spawnGateway, startPostgres, startRedis, stopProcess, waitForPort } from '@microtick/devstack';
import { startFakeStripe } from '../../payments/src/testing/fake-stripe';
import { prepareTree, render, repoRoot, type K8sObject } from '../validate/k8s';
import { runJourney } from './journey';

const podmanScript = path.join(repoRoot, 'infra/images/podman.sh');
const imageFor = (image: string) => `localhost/${image.split(':')[0]}:test`;
const runId = `microtick-smoke-${process.pid}`;
const log = (message: string) => console.log(`smoke: ${message}`);
/** Restarts of a container that exits before it is ready, or of a failing init container. */
const MAX_RESTARTS = 3;

function podman(args: string[], options: { allowFailure?: boolean } = {}): string {
  const result = spawnSync(podmanScript, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`podman ${args.slice(0, 3).join(' ')} ... failed: ${result.stderr || result.stdout}`);
  }
  return result.stdout.trim();
}

function logsOf(name: string, lines: number): string {
  const result = spawnSync(podmanScript, ['logs', '--tail', String(lines), name], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}

function podmanAsync(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(podmanScript, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Forwards connections on the bridge's host address to a server that listens on loopback only. */
function relay(host: string, port: number, target: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const upstream = net.connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

// ---- reading the rendered manifests --------------------------------------------------------------

const bytes = (quantity: string) => {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity));
  if (!m) throw new Error(`unsupported memory quantity ${quantity}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Math.floor(Number(m[1]) * unit);
};
const cpus = (quantity: string) =>
  String(quantity).endsWith('m') ? Number(String(quantity).slice(0, -1)) / 1000 : Number(quantity);

function lookup(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is referenced but not rendered`);
  const data: Record<string, string> = { ...(found.data ?? {}) };
  if (kind === 'Secret') for (const k of Object.keys(data)) data[k] = Buffer.from(data[k], 'base64').toString('utf8');
  return { ...data, ...(found.stringData ?? {}) };
}

/** The container's environment as the kubelet builds it: envFrom, then env with $(VAR) expansion. */
function environment(objects: K8sObject[], container: any): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, lookup(objects, 'ConfigMap', from.configMapRef.name));
    if (from.secretRef) Object.assign(env, lookup(objects, 'Secret', from.secretRef.name));
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef)
      env[e.name] = lookup(objects, 'Secret', e.valueFrom.secretKeyRef.name)[e.valueFrom.secretKeyRef.key];
    else if (e.valueFrom?.configMapKeyRef)
      env[e.name] = lookup(objects, 'ConfigMap', e.valueFrom.configMapKeyRef.name)[e.valueFrom.configMapKeyRef.key];
    else if (e.valueFrom) throw new Error(`env ${e.name}: unsupported valueFrom ${JSON.stringify(e.valueFrom)}`);
    else env[e.name] = String(e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, v) => env[v] ?? all);
  }
  return env;
}

interface Addresses {
  host: string;
  postgres: number;
  nats: number;
  redis: number;
  stripe: number;
}

/**
 * Points the data stores (and Stripe) at this machine's servers; nothing else changes, except that the
 * local PostgreSQL has no TLS, so the managed database's `sslmode` is dropped, and one nats-server
 * stands in for the three-node cluster.
 */
function withAddresses(env: Record<string, string>, a: Addresses): Record<string, string> {
  const out = { ...env };
  if (out.DATABASE_URL) {
    const url = new URL(out.DATABASE_URL);
    url.hostname = a.host;
    url.port = String(a.postgres);
    url.searchParams.delete('sslmode');
    out.DATABASE_URL = url.toString();
  }
  if (out.NATS_URL) {
    out.NATS_URL = `nats://${a.host}:${a.nats}`;
    // One nats-server stands in for production's three-node cluster, so the stream has one replica.
    if (out.NATS_STREAM_REPLICAS) out.NATS_STREAM_REPLICAS = '1';
  }
  if (out.REDIS_URL) out.REDIS_URL = `redis://${a.host}:${a.redis}`;
  if (out.STRIPE_SECRET_KEY) out.STRIPE_API_BASE = `http://${a.host}:${a.stripe}`;
  return out;
}

/** podman run flags for one container of a pod, from the pod's and the container's manifest. */
function runFlags(pod: any, container: any, env: Record<string, string>): string[] {
  const security = { ...(pod.securityContext ?? {}), ...(container.securityContext ?? {}) };
  const flags: string[] = [];
  if (security.runAsUser !== undefined)
    flags.push('--user', `${security.runAsUser}:${security.runAsGroup ?? security.runAsUser}`);
  if (security.readOnlyRootFilesystem) flags.push('--read-only', '--read-only-tmpfs=false');
  if (security.allowPrivilegeEscalation === false) flags.push('--security-opt', 'no-new-privileges');
  for (const cap of security.capabilities?.drop ?? []) flags.push('--cap-drop', cap);
  for (const cap of security.capabilities?.add ?? []) flags.push('--cap-add', cap);
  const limits = container.resources?.limits ?? {};
  if (limits.memory) flags.push('--memory', String(bytes(limits.memory)));
  if (limits.cpu) flags.push('--cpus', String(cpus(limits.cpu)));
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
    if (!volume?.emptyDir) throw new Error(`${container.name}: volume ${mount.name} is not an emptyDir`);
    const size = volume.emptyDir.sizeLimit ? `,size=${bytes(volume.emptyDir.sizeLimit)}` : '';
    // podman's --tmpfs takes no gid= (fsGroup): a sticky world-writable tmpfs serves the same purpose.
    flags.push('--tmpfs', `${mount.mountPath}:rw,nosuid,nodev,mode=1777${size}`);
  }
  if (container.workingDir) flags.push('--workdir', container.workingDir);
  for (const [k, v] of Object.entries(env)) flags.push('--env', `${k}=${v}`);
  if (container.command) flags.push('--entrypoint', JSON.stringify(container.command));
  flags.push(imageFor(container.image), ...(container.args ?? []));
  return flags;
}

// ---- the run ---------------------------------------------------------------------------------------

/** The real nats.conf, changed only where it must be on this machine: the port, the store, no monitor port. */
function natsConfig(port: number, storeDir: string): string {
  const conf = readFileSync(path.join(repoRoot, 'infra/k8s/base/data/nats.conf'), 'utf8');
  return conf
    .replace(/^port:.*$/m, `port: ${port}\nhost: 127.0.0.1`)
    .replace(/^http_port:.*$/m, '')
    .replace(/^pid_file:.*$/m, `pid_file: ${JSON.stringify(path.join(storeDir, 'nats.pid'))}`)
    .replace(/store_dir:.*$/m, `store_dir: ${JSON.stringify(storeDir)}`);
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main() {
  const tree = prepareTree();
  const objects = render(path.join(tree.dir, 'overlays/production'));
  tree.cleanup();
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const services = objects.filter((o) => o.kind === 'Service');
  log(`rendered the production overlay: ${deployments.map((d) => d.metadata.name).join(', ')}`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'microtick-smoke-'));
  chmodSync(tmp, 0o755); // PostgreSQL runs as an unprivileged user when we are root
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  const names: string[] = [];
  let failed = false;
  try {
    // The bridge network; a placeholder container brings its host address up for the relays.
    podman(['network', 'create', runId]);
    cleanups.unshift(() => podman(['network', 'rm', '-f', runId], { allowFailure: true }));
    const network = JSON.parse(podman(['network', 'inspect', runId]))[0];
    const { subnet, gateway: host } = network.subnets[0];
    const prefix = subnet.split('.').slice(0, 3).join('.');
    const ips = new Map(deployments.map((d, i) => [d.metadata.name, `${prefix}.${10 + i}`]));
    const placeholder = `${runId}-net`;
    names.push(placeholder);
    podman([
      'run',
      '-d',
      '--name',
      placeholder,
      '--network',
      runId,
      '--ip',
      `${prefix}.2`,
      imageFor('microtick-auth'),
      'sleep',
      'infinity',
    ]);

    const pgServer = await startPostgres({ dataDir: path.join(tmp, 'pg'), fast: true });
    cleanups.unshift(() => pgServer.stop());
    const redis = await startRedis({ dataDir: path.join(tmp, 'redis') });
    cleanups.unshift(() => redis.stop());
    const natsPort = await freePort();
    const natsConf = path.join(tmp, 'nats.conf');
    mkdirSync(path.join(tmp, 'nats'), { recursive: true });
    writeFileSync(natsConf, natsConfig(natsPort, path.join(tmp, 'nats')));
    const natsOut: string[] = [];
    // The pod's environment: the config names the server after its pod.
    const nats = spawn('nats-server', ['-c', natsConf], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POD_NAME: 'nats-0' },
    });
    for (const s of [nats.stdout, nats.stderr]) s.on('data', (c: Buffer) => natsOut.push(c.toString()));
    cleanups.unshift(() => stopProcess(nats));
    await waitForPort(natsPort, 20_000, nats).catch((err: Error) => {
      throw new Error(
        `nats-server did not start with infra/k8s/base/data/nats.conf: ${err.message}\n${natsOut.join('')}`,
      );
    });
    const stripe = await startFakeStripe();
    cleanups.unshift(() => stripe.close());
    const stripePort = Number(new URL(stripe.url).port);
    const addresses: Addresses = {
      host,
      postgres: pgServer.port,
      nats: natsPort,
      redis: redis.port,
      stripe: stripePort,
    };
    for (const port of [pgServer.port, natsPort, redis.port, stripePort]) {
      const server = await relay(host, port, port);
      cleanups.unshift(() => new Promise((r) => server.close(r)));
    }
    log(`PostgreSQL, Redis, nats-server and a fake Stripe run on this machine, reached at ${host}`);

    const hosts = services.flatMap((s) => {
      const ip = ips.get(s.metadata.name);
      return ip ? ['--add-host', `${s.metadata.name}:${ip}`] : [];
    });

    const started: { name: string; deployment: K8sObject; container: any }[] = [];
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const app = deployment.metadata.name;
      const envOf = (container: any) => withAddresses(environment(objects, container), addresses);
      for (const container of pod.containers) {
        const url = envOf(container).DATABASE_URL;
        if (!url) continue;
        // The database and its owner, as the managed or in-cluster PostgreSQL would have them.
        const { username, password, pathname } = new URL(url);
        const admin = new pg.Client({ connectionString: pgServer.url });
        await admin.connect();
        await admin
          .query(`CREATE ROLE "${username}" LOGIN PASSWORD '${decodeURIComponent(password)}'`)
          .catch(() => undefined);
        await admin.query(`CREATE DATABASE "${pathname.slice(1)}" OWNER "${username}"`).catch(() => undefined);
        await admin.end();
      }
      for (const init of pod.initContainers ?? []) {
        const name = `${runId}-${app}-${init.name}`;
        const args = ['run', '--rm', '--name', name, '--network', runId, ...hosts, ...runFlags(pod, init, envOf(init))];
        for (let attempt = 0; ; attempt += 1) {
          const result = await podmanAsync(args);
          if (result.code === 0) break;
          if (attempt === MAX_RESTARTS)
            throw new Error(`${app}: init container ${init.name} exited ${result.code}:\n${result.output}`);
          log(`${app}: init container ${init.name} exited ${result.code}; retrying`);
        }
        log(`${app}: init container ${init.name} exited 0`);
      }
      for (const container of pod.containers) {
        const name = `${runId}-${app}-${container.name}`;
        podman([
          'run',
          '-d',
          '--name',
          name,
          '--network',
          runId,
          '--ip',
          ips.get(app)!,
          ...hosts,
          ...runFlags(pod, container, envOf(container)),
        ]);
        names.push(name);
        started.push({ name, deployment, container });
      }
    }

    // Ready as the kubelet sees it: each readiness probe answers 2xx.
    await Promise.all(
      started.map(async ({ name, deployment, container }) => {
        const probe = container.readinessProbe?.httpGet;
        if (!probe) return;
        const port =
          typeof probe.port === 'number'
            ? probe.port
            : container.ports.find((p: any) => p.name === probe.port).containerPort;
        const url = `http://${ips.get(deployment.metadata.name)}:${port}${probe.path}`;
        const deadline = Date.now() + 180_000;
        let restarts = 0;
        while (!(await httpOk(url))) {
          if (podman(['inspect', '--format', '{{.State.Running}}', name]) !== 'true') {
            // restartPolicy Always: the kubelet restarts a container that exits (a dependency too slow
            // to answer on a loaded machine); one that keeps exiting fails the run.
            if (restarts === MAX_RESTARTS)
              throw new Error(`${name} keeps exiting before it is ready:\n${logsOf(name, 40)}`);
            restarts += 1;
            log(`${name} exited before it was ready; restart ${restarts} of ${MAX_RESTARTS}:\n${logsOf(name, 3)}`);
            podman(['start', name]);
          }
          if (Date.now() > deadline) throw new Error(`${name}: ${url} not ready after 180 s`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }),
    );
    log(`every container is ready: ${started.map((s) => s.deployment.metadata.name).join(', ')}`);

    const upstream = (name: string) => `http://${ips.get(name)}:3000`;
    const gatewayPort = await freePort();
    const gateway = await spawnGateway({
      port: gatewayPort,
      dir: path.join(tmp, 'gateway'),
      upstreams: {
        auth: upstream('auth'),
        tickets: upstream('tickets'),
        orders: upstream('orders'),
        payments: upstream('payments'),
        client: upstream('client'),
      },
    });
    cleanups.unshift(() => stopProcess(gateway));
    // DESIGN.md's second; SMOKE_RESERVED_WITHIN_MS loosens it on a machine too loaded to judge.
    const result = await runJourney(`http://127.0.0.1:${gatewayPort}`, (m) => log(`journey: ${m}`), {
      reservedWithinMs: Number(process.env.SMOKE_RESERVED_WITHIN_MS ?? 1000),
    });
    if (!result.paid) throw new Error('the smoke site must be in sandbox or test mode, yet the journey did not pay');

    // What the kubelet does on a rollout: the preStop hook, then SIGTERM, then SIGKILL after the grace period.
    const stops = await Promise.all(
      started.map(async ({ name, deployment, container }) => {
        const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
        const began = Date.now();
        const preStop = container.lifecycle?.preStop?.exec?.command;
        if (preStop) await podmanAsync(['exec', name, ...preStop]);
        // Asynchronously: the relays and the fake Stripe live in this process, and a
        // blocking podman call here would stall the containers' last Redis or NATS replies.
        await podmanAsync(['kill', '--signal', 'TERM', name]);
        const overdue = setTimeout(
          () => void podmanAsync(['kill', '--signal', 'KILL', name]),
          Math.max(0, grace * 1000 - (Date.now() - began)),
        );
        await podmanAsync(['wait', name]);
        clearTimeout(overdue);
        const seconds = (Date.now() - began) / 1000;
        const code = Number((await podmanAsync(['inspect', '--format', '{{.State.ExitCode}}', name])).output.trim());
        return { name, app: deployment.metadata.name, grace, seconds, code };
      }),
    );
    const bad = stops.filter((s) => s.code !== 0 || s.seconds > s.grace);
    for (const s of stops) log(`${s.app}: exit ${s.code} after ${s.seconds.toFixed(1)} s (grace ${s.grace} s)`);
    if (bad.length > 0) {
      throw new Error(`did not exit 0 within the grace period on SIGTERM: ${bad.map((s) => s.app).join(', ')}`);
    }
    log('every container exited 0 on SIGTERM within its grace period');
  } catch (err) {
    failed = true;
    console.error(`smoke failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const name of names.slice(1)) {
      const logs = logsOf(name, 15);
      if (logs) console.error(`--- ${name}\n${logs}`);
    }
  } finally {
    if (names.length > 0) podman(['rm', '-f', '-t', '0', ...names], { allowFailure: true });
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
  }
  process.exit(failed ? 1 : 0);
}

void main();
