import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboxRelay, startUserFacing, type Bus, type ShutdownStep } from '@microtick/common';
import {
  closeTestRateLimitStores,
  connectTestBus,
  createTestDatabase,
  testBusNamespace,
  testLogger,
  testNatsUrl,
  testRateLimitStore,
  testSessionEnv,
} from '@microtick/devstack';
import type { Express } from 'express';
import { buildApp as buildAuth } from '../auth/src/app';
import { readConfig as authConfig } from '../auth/src/config';
import { migrationsDir as authMigrations } from '../auth/src/store/migrations';
import { buildApp as buildOrders } from '../orders/src/app';
import { readConfig as ordersConfig } from '../orders/src/config';
import { migrationsDir as ordersMigrations } from '../orders/src/store/migrations';
import { buildApp as buildPayments } from '../payments/src/app';
import { readConfig as paymentsConfig } from '../payments/src/config';
import { migrationsDir as paymentsMigrations } from '../payments/src/store/migrations';
import { createGateway } from '../payments/src/gateway';
import { buildApp as buildTickets } from '../tickets/src/app';
import { readConfig as ticketsConfig } from '../tickets/src/config';
import { migrationsDir as ticketsMigrations } from '../tickets/src/store/migrations';

/**
 * Issue 13, sessions and write limits across services: auth and two replicas each of tickets, orders and
 * payments, wired the way their start-ups wire them (startUserFacing: auth's JWKS over HTTP, revocations
 * from the bus, the write limit in Redis), on one bus namespace and one Redis.
 */

type Service = 'tickets' | 'orders' | 'payments';
const SERVICES: Service[] = ['tickets', 'orders', 'payments'];
/**
 * A request that needs a signed-in user on each service and answers something other than 401 if so.
 * Payments has no read: an empty payment answers 400 signed in (or 429 past the write limit).
 */
const PROBE: Record<Service, [method: string, path: string, body?: object]> = {
  tickets: ['GET', '/api/tickets/mine'],
  orders: ['GET', '/api/orders'],
  payments: ['POST', '/api/payments', {}],
};
const probe = (service: Service, base: string, cookie: string) => {
  const [method, path, body] = PROBE[service];
  return call(base, method, path, cookie, body);
};
const WRITE: Record<Service, [method: string, path: string]> = {
  tickets: ['POST', '/api/tickets'],
  orders: ['POST', '/api/orders'],
  payments: ['POST', '/api/payments'],
};
const WRITE_LIMIT = 4;
const password = 'correct horse battery staple';

const servers: Server[] = [];
const shutdowns: ShutdownStep[] = [];
const buses: Bus[] = [];
const drops: (() => Promise<void>)[] = [];
let authUrl: string;
const replicas: Record<Service, string[]> = { tickets: [], orders: [], payments: [] };

async function listen(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const namespace = testBusNamespace();
  const connect = async (name: string) => {
    const bus = await connectTestBus(namespace, name);
    buses.push(bus);
    return bus;
  };
  const database = async (dir: string) => {
    const db = await createTestDatabase([dir]);
    drops.push(db.drop);
    return db;
  };

  const authDb = await database(authMigrations);
  const relay = new OutboxRelay({ pool: authDb.pool, bus: await connect('auth'), logger: testLogger });
  await relay.start();
  shutdowns.push(['auth relay', () => relay.stop()]);
  const auth = authConfig({ DATABASE_URL: authDb.url, NATS_URL: testNatsUrl(), ...testSessionEnv() });
  authUrl = await listen(
    buildAuth({ pool: authDb.pool, config: auth, logger: testLogger, redis: testRateLimitStore() }),
  );

  const env = (db: { url: string }) => ({
    DATABASE_URL: db.url,
    NATS_URL: testNatsUrl(),
    ...testSessionEnv(),
    AUTH_JWKS_URL: `${authUrl}/api/users/.well-known/jwks.json`,
    WRITE_RATE_LIMIT: String(WRITE_LIMIT),
  });
  const [ticketsDb, ordersDb, paymentsDb] = await Promise.all(
    [ticketsMigrations, ordersMigrations, paymentsMigrations].map(database),
  );
  // One Redis for every replica, as in a deployment: the write limit is counted across them.
  const limits = testRateLimitStore();
  for (let replica = 0; replica < 2; replica += 1) {
    for (const service of SERVICES) {
      const bus = await connect(`${service}-${replica}`);
      const { pool } = { tickets: ticketsDb, orders: ordersDb, payments: paymentsDb }[service];
      const dbEnv = env({ tickets: ticketsDb, orders: ordersDb, payments: paymentsDb }[service]);
      let app: Express;
      if (service === 'tickets') {
        const config = ticketsConfig(dbEnv);
        const { shutdown, ...userFacing } = await startUserFacing(service, { bus, redis: limits }, config, testLogger);
        shutdowns.push(...shutdown);
        app = buildTickets({ pool, bus, config, logger: testLogger, ...userFacing });
      } else if (service === 'orders') {
        const config = ordersConfig(dbEnv);
        const { shutdown, ...userFacing } = await startUserFacing(service, { bus, redis: limits }, config, testLogger);
        shutdowns.push(...shutdown);
        app = buildOrders({ pool, bus, config, logger: testLogger, ...userFacing });
      } else {
        const config = paymentsConfig(dbEnv);
        const { shutdown, ...userFacing } = await startUserFacing(service, { bus, redis: limits }, config, testLogger);
        shutdowns.push(...shutdown);
        const gateway = createGateway(config, testLogger);
        app = buildPayments({ pool, bus, gateway, config, logger: testLogger, ...userFacing });
      }
      replicas[service].push(await listen(app));
    }
  }
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  for (const [, step] of shutdowns) await step();
  await buses[0]?.deleteStream();
  await Promise.all(buses.map((bus) => bus.close()));
  await closeTestRateLimitStores();
  await Promise.all(drops.map((drop) => drop()));
});

async function call(base: string, method: string, path: string, cookie?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

async function signUp(): Promise<string> {
  const res = await call(authUrl, 'POST', '/api/users/signup', undefined, {
    email: `sessions-${randomUUID()}@example.com`,
    password,
  });
  expect(res.status).toBe(201);
  return /session=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
}

/** Polls until every replica and auth refuse the cookie; the milliseconds it took. */
async function refusedEverywhere(cookie: string, since: number): Promise<number> {
  const bases = SERVICES.flatMap((service) => replicas[service].map((base) => [service, base] as const));
  for (;;) {
    const answers = await Promise.all(bases.map(([service, base]) => probe(service, base, cookie)));
    const me = JSON.parse((await call(authUrl, 'GET', '/api/users/currentuser', cookie)).body);
    if (answers.every((a) => a.status === 401) && me.currentUser === null) return performance.now() - since;
    if (performance.now() - since > 10_000) {
      throw new Error(`still accepted 10 s later: ${answers.map((a) => a.status).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('sessions across services', () => {
  it('accepts a session on every service, and after sign-out refuses the copied cookie everywhere', async () => {
    const cookie = await signUp();
    for (const service of SERVICES) {
      for (const base of replicas[service]) {
        expect({ service, status: (await probe(service, base, cookie)).status }).not.toEqual({
          service,
          status: 401,
        });
      }
    }
    const signedOutAt = performance.now();
    expect((await call(authUrl, 'POST', '/api/users/signout', cookie)).status).toBe(204);
    const ms = await refusedEverywhere(cookie, signedOutAt);
    console.log(`sign-out refused by auth and ${SERVICES.length * 2} replicas after ${ms.toFixed(0)} ms`);
  });

  it('refuses every other session of the user everywhere after a password change, and keeps this one', async () => {
    const first = await signUp();
    const email = JSON.parse((await call(authUrl, 'GET', '/api/users/currentuser', first)).body).currentUser.email;
    const signin = await call(authUrl, 'POST', '/api/users/signin', undefined, { email, password });
    const here = /session=[^;]+/.exec(signin.headers.get('set-cookie')!)![0];
    const changedAt = performance.now();
    const change = await call(authUrl, 'PUT', '/api/users/password', here, {
      currentPassword: password,
      newPassword: 'an entirely new passphrase',
    });
    expect(change.status).toBe(204);
    const ms = await refusedEverywhere(first, changedAt);
    console.log(`password change: other session refused everywhere after ${ms.toFixed(0)} ms`);
    for (const service of SERVICES) {
      expect((await probe(service, replicas[service][0], here)).status).not.toBe(401);
    }
  });

  it('lets a restarted replica know the revocations made before it started', async () => {
    const cookie = await signUp();
    expect((await call(authUrl, 'POST', '/api/users/signout', cookie)).status).toBe(204);
    await refusedEverywhere(cookie, performance.now());
    const bus = await connectTestBus({ stream: buses[0].stream, subjectPrefix: buses[0].subjectPrefix }, 'late');
    buses.push(bus);
    const config = ticketsConfig({
      DATABASE_URL: 'postgres://unused/db',
      NATS_URL: testNatsUrl(),
      ...testSessionEnv(),
      AUTH_JWKS_URL: `${authUrl}/api/users/.well-known/jwks.json`,
    });
    const { sessions, shutdown } = await startUserFacing(
      'tickets',
      { bus, redis: testRateLimitStore() },
      config,
      testLogger,
    );
    shutdowns.push(...shutdown);
    expect(await sessions.verify(cookie.slice('session='.length))).toBeUndefined();
    expect(await sessions.verify((await signUp()).slice('session='.length))).toBeDefined();
  });
});

describe('per-user write limits across replicas', () => {
  it.each(SERVICES)('%s: counts one user’s writes on both replicas, then 429 with Retry-After', async (service) => {
    const cookie = await signUp();
    const [method, path] = WRITE[service];
    const [a, b] = replicas[service];
    for (let i = 0; i < WRITE_LIMIT; i += 1) {
      expect((await call(i % 2 ? b : a, method, path, cookie, {})).status).toBe(400);
    }
    const limited = await call(b, method, path, cookie, {});
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({
      errors: [{ message: 'Too many changes in a short time, try again later' }],
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toBe(`${WRITE_LIMIT};w=60`);
    // Another user still writes.
    expect((await call(a, method, path, await signUp(), {})).status).toBe(400);
  });
});
