import net from 'node:net';
import { Router } from 'express';
import pg from 'pg';
import request from 'supertest';
import { freePort, testLogger } from '@microtick/devstack';
import { createServiceApp } from './create-app';
import { ConflictError } from './errors';

// Issue 8 security review, ASVS 7.4.1 (generic message with an id to investigate) and 14.4 (headers).
const internal = 'connect ECONNREFUSED 10.0.0.5:5432 (user=tickets password=hunter2) at Pool.connect';

function appUnderTest() {
  const routes = Router()
    .get('/sync', () => {
      throw new Error(internal);
    })
    .get('/async', async () => {
      await Promise.resolve();
      throw new TypeError(internal);
    })
    .get('/not-an-error', () => {
      throw internal;
    })
    .get('/known', () => {
      throw new ConflictError('Ticket is already reserved');
    });
  return createServiceApp({
    name: 'test',
    logger: testLogger,
    healthChecks: {},
    routes,
  });
}

describe('an unexpected error', () => {
  const app = appUnderTest();

  it.each(['/sync', '/async', '/not-an-error'])(
    'on %s answers a bare 500 that leaks neither message nor stack, with a request id to quote',
    async (path) => {
      const res = await request(app).get(path).expect(500);
      expect(res.body).toEqual({ errors: [{ message: 'Something went wrong' }] });
      expect(res.text).not.toMatch(/ECONNREFUSED|hunter2|10\.0\.0\.5|Pool\.connect|at /);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('echoes a well-formed incoming request id and replaces one that could forge a log line', async () => {
    const kept = await request(app).get('/sync').set('x-request-id', 'abc-123').expect(500);
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(app).get('/sync').set('x-request-id', 'x" injected="1').expect(500);
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('still answers a known error with its own status and message', async () => {
    await request(app)
      .get('/known')
      .expect(409, { errors: [{ message: 'Ticket is already reserved' }] });
  });
});

describe('security headers on every API answer', () => {
  it('sends helmet headers, no x-powered-by and no ETag', async () => {
    const res = await request(appUnderTest()).get('/known').expect(409);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});

describe('a dependency that cannot be reached', () => {
  /** A port nothing listens on, and a server that accepts connections and never says a word. */
  let closedPort: number;
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  beforeAll(async () => {
    closedPort = await freePort();
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  function appWith(fail: () => Promise<unknown>) {
    return createServiceApp({
      name: 'test',
      logger: testLogger,
      healthChecks: {},
      routes: Router().post('/write', async (_req, res) => {
        await fail();
        res.status(201).json({});
      }),
    });
  }

  const expectOutage = async (fail: () => Promise<unknown>) => {
    const res = await request(appWith(fail)).post('/write').expect(503);
    expect(res.body).toEqual({ errors: [{ message: 'Service unavailable, try again shortly' }] });
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at /);
  };

  it('answers 503 with Retry-After when the database refuses connections', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: closedPort, connectionTimeoutMillis: 1000 });
    await expectOutage(() => pool.query('SELECT 1'));
    await pool.end();
  });

  it("answers 503 when no connection comes within the pool's timeout", async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: (silent.address() as net.AddressInfo).port,
      connectionTimeoutMillis: 100,
    });
    await expectOutage(() => pool.query('SELECT 1'));
    await pool.end().catch(() => undefined);
  });

  it('answers 503 when PostgreSQL is shutting down or not accepting connections yet', async () => {
    for (const code of ['57P01', '57P03', '08006']) {
      await expectOutage(() =>
        Promise.reject(Object.assign(new pg.DatabaseError('terminating connection', 0, 'error'), { code })),
      );
    }
  });

  it('still answers 500 for a database error that is a bug, such as a violated constraint', async () => {
    await request(
      appWith(() =>
        Promise.reject(Object.assign(new pg.DatabaseError('duplicate key value', 0, 'error'), { code: '23505' })),
      ),
    )
      .post('/write')
      .expect(500);
  });
});
