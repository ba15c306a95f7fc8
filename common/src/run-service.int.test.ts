import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  connectTestBus,
  startRedis,
  createTestDatabase,
  killSpawnedServices,
  spawnService,
  testBusNamespace,
  testNatsUrl,
  testRedisUrl,
  freePort,
  testMailEnv,
  testSessionEnv,
} from '@microtick/devstack';
import { connectRateLimitStore } from './http/rate-limit';
import { createLogger } from './logger';
import { closeRedis } from './run-service';

// The real services, started as deployments start them, against dependencies that are not there yet.
describe('runService', () => {
  afterEach(killSpawnedServices);

  it('logs that it waits for PostgreSQL, without the password, and exits 0 on SIGTERM while waiting', async () => {
    const port = await freePort();
    const service = spawnService('auth/src/index.ts', {
      PORT: String(await freePort()),
      DATABASE_URL: `postgres://microtick:secret-password@127.0.0.1:${port}/auth`,
      NATS_URL: testNatsUrl(),
      ...testSessionEnv(),
      ...testMailEnv(),
    });
    await service.logged(`waiting for postgresql at 127.0.0.1:${port}`);
    service.signal('SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toContain('secret-password');
  });

  it('logs that it waits for NATS and exits 0 on SIGTERM while waiting', async () => {
    const port = await freePort();
    const service = spawnService('expiration/src/index.ts', {
      PORT: String(await freePort()),
      NATS_URL: `nats://127.0.0.1:${port}`,
      REDIS_URL: testRedisUrl(),
    });
    await service.logged(`waiting for nats at 127.0.0.1:${port}`);
    service.signal('SIGTERM');
    expect(await service.exited).toBe(0);
  });

  it('logs that it waits for Redis, without the password, and exits 0 on SIGTERM while waiting', async () => {
    const port = await freePort();
    const namespace = testBusNamespace();
    const service = spawnService('expiration/src/index.ts', {
      PORT: String(await freePort()),
      NATS_URL: testNatsUrl(),
      NATS_STREAM: namespace.stream,
      NATS_SUBJECT_PREFIX: namespace.subjectPrefix,
      REDIS_URL: `redis://:secret-password@127.0.0.1:${port}`,
    });
    try {
      await service.logged(`waiting for redis at 127.0.0.1:${port}`);
      service.signal('SIGTERM');
      expect(await service.exited).toBe(0);
      expect(service.output()).not.toContain('secret-password');
    } finally {
      const bus = await connectTestBus(namespace);
      await bus.deleteStream();
      await bus.close();
    }
  });

  it('"migrate" applies the migrations and exits 0 without the bus or HTTP', async () => {
    const db = await createTestDatabase([]);
    try {
      const service = spawnService(
        'auth/src/index.ts',
        { PORT: String(await freePort()), DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv() },
        ['migrate'],
      );
      expect(await service.exited).toBe(0);
      expect(service.output()).not.toContain('listening');
      const { rows } = await db.pool.query(`SELECT to_regclass('users') AS users`);
      expect(rows[0].users).toBe('users');
    } finally {
      await db.drop();
    }
  });

  it('"migrate" exits 0 at once for a service without a database, its bus and Redis unreachable', async () => {
    const port = await freePort();
    const service = spawnService(
      'expiration/src/index.ts',
      {
        PORT: String(await freePort()),
        NATS_URL: `nats://127.0.0.1:${port}`,
        REDIS_URL: `redis://127.0.0.1:${port}`,
      },
      ['migrate'],
    );
    expect(await service.exited).toBe(0);
    expect(service.output()).not.toContain('waiting for');
  });

  it('closes a Redis connection whose server stopped answering, without failing the shutdown', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'microtick-stalled-redis-'));
    const redis = await startRedis({ dataDir });
    const store = connectRateLimitStore(redis.url, createLogger('run-service-test', 'silent'));
    try {
      await store.ping();
      redis.process.kill('SIGSTOP'); // the link stays open but nothing answers, like a stalled relay
      await expect(closeRedis(store)).resolves.toBeUndefined();
      if (store.status !== 'end') await new Promise((ended) => store.once('end', ended));
    } finally {
      redis.process.kill('SIGCONT');
      store.disconnect();
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
