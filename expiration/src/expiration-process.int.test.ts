import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Bus } from '@microtick/common';
import {
  collectEvents,
  connectTestBus,
  eventually,
  freePort,
  startRedis,
  testBusNamespace,
  testNatsUrl,
  testRedisPrefix,
  waitForPort,
  type CollectedEvents,
  type RunningServer,
} from '@microtick/devstack';
import { Redis } from 'ioredis';
import { EARLY_MS } from './rules';
import { createExpirationQueue, type ExpirationQueue } from './store/expiration-queue';

/** The bundled service as a child process, killed and restarted the way an orchestrator would. */

const root = path.resolve(__dirname, '../..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const namespace = testBusNamespace();
const prefix = testRedisPrefix();
let dataDir: string;
let redisServer: RunningServer;
let bus: Bus;
let redis: Redis;
let queue: ExpirationQueue;
let collector: CollectedEvents<'expiration.complete'>;
let port: number;
const children: ChildProcess[] = [];

async function startService(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'expiration/dist/index.js')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      NATS_URL: testNatsUrl(),
      NATS_STREAM: namespace.stream,
      NATS_SUBJECT_PREFIX: namespace.subjectPrefix,
      REDIS_URL: redisServer.url,
      EXPIRATION_QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  children.push(child);
  await waitForPort(port, 20_000, child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );

async function publishOrder(expiresInMs: number): Promise<string> {
  const id = randomUUID();
  await bus.publish('order.created', {
    id,
    userId: randomUUID(),
    status: 'created',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    ticket: { id: randomUUID(), price: 1000, sellerId: randomUUID() },
    version: 0,
  });
  // The service acks order.created only after storing the job, so once it is there the event is consumed.
  await eventually(() => queue.getJob(id), 10_000);
  return id;
}

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'expiration'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  // A private Redis with AOF, as `make up` runs it, so it can be restarted without losing jobs.
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'expiration-redis-'));
  redisServer = await startRedis({ dataDir, persistent: true });
  port = await freePort();
  bus = await connectTestBus(namespace);
  collector = await collectEvents(bus, 'expiration.complete');
  redis = new Redis(redisServer.url);
  queue = createExpirationQueue(redis, { name: 'order-expiration', prefix });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await queue.close();
  redis.disconnect();
  await bus.deleteStream();
  await bus.close();
  await redisServer.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the expiration service process', () => {
  it('answers /health with bus and redis ok', async () => {
    const service = await startService();
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { bus: 'ok', redis: 'ok' } });
    service.kill('SIGTERM');
    expect(await exited(service)).toBe(0);
  });

  it('fires an expiry scheduled before it was SIGKILLed, once restarted after the deadline', async () => {
    const service = await startService();
    const orderId = await publishOrder(EARLY_MS + 1500); // still delayed in the queue when the service dies
    service.kill('SIGKILL');
    await exited(service);
    await sleep(EARLY_MS + 2000);
    expect(collector.about(orderId)).toHaveLength(0);

    const restarted = await startService();
    await eventually(async () => collector.about(orderId).length > 0, 10_000);
    restarted.kill('SIGTERM');
    expect(await exited(restarted)).toBe(0);
  });

  it('keeps a pending expiry across a restart of Redis', async () => {
    const service = await startService();
    const orderId = await publishOrder(EARLY_MS + 2500);
    await redisServer.stop();
    redisServer = await startRedis({ dataDir, port: redisServer.port, persistent: true });
    await eventually(async () => collector.about(orderId).length > 0, 15_000);
    service.kill('SIGTERM');
    expect(await exited(service)).toBe(0);
  });
});
