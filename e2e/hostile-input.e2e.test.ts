import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSigningKeys } from '@microtick/common';
import pg from 'pg';
import { fuzzCases, hostileCases, type Fixtures } from './hostile/cases';
import { pendingOutboxRows, snapshotDatabases } from './hostile/db-snapshot';
import { errorShapeProblem, judge, rawBody, rawStatus, sendAll, trickle, type HostileCase } from './hostile/send';
import {
  eventually,
  routedServices,
  servicesWithDatabase,
  startTestStack,
  type ServiceWithDatabase,
} from '@microtick/devstack';

/**
 * Issue 8, hostile input: every route of DESIGN.md's HTTP API, through the gateway of the real stack,
 * gets generated bad input. Each answer must be a 4xx in the error shape (or a 2xx where the input is
 * actually acceptable, said case by case in hostile/cases.ts), never a 5xx, and no database may change.
 */

/** Every service behind an /api/ prefix, and every database (the roster's). */
const SERVICES = routedServices.map((s) => s.name);
const DATABASES = servicesWithDatabase.map((s) => s.name);
const PASSWORD = 'a good long password';
const TOTAL_AT_LEAST = 5_000;
const CONCURRENCY = 20;

const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;

/** Counted so the sign-in limiters never mask validation during the hostile phase, yet a 429 is reachable. */
function rateLimitFor(cases: HostileCase[]): number {
  const perRoute = (path: string) => cases.filter((c) => c.path === path).length;
  const authRoutes = ['signin', 'signup', 'password-reset', 'password-reset/confirm'];
  return Math.max(...authRoutes.map((route) => perRoute(`/api/users/${route}`))) + 50;
}

describe('hostile input through the gateway', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let fixtures: Fixtures;
  let rateLimit: number;
  const histogram = new Map<number, number>();
  let sent = 0;
  const serviceErrors: string[] = [];
  const count = (status: number) => {
    sent += 1;
    histogram.set(status, (histogram.get(status) ?? 0) + 1);
  };
  const databaseUrls = () => Object.fromEntries(DATABASES.map((d) => [d, stack.databaseUrl(d)]));

  async function signUp(): Promise<Fixtures['seller']> {
    const email = `hostile-fixture-${randomUUID()}@example.com`;
    const res = await fetch(`${stack.url}/api/users/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (res.status !== 201) throw new Error(`signup: ${res.status} ${await res.text()}`);
    const cookie = /session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
    return { id: ((await res.json()) as { id: string }).id, email, cookie };
  }

  async function call(method: string, path: string, cookie: string, body?: unknown) {
    const res = await fetch(`${stack.url}${path}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function query<T>(database: ServiceWithDatabase, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: stack.databaseUrl(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    // The limit depends only on how many cases there are, not on the fixtures' ids.
    const shape = {
      signingKey: loadSigningKeys(
        generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ format: 'pem', type: 'pkcs8' })
          .toString(),
      ).signing,
      webhookSecret,
      password: PASSWORD,
      seller: { id: randomUUID(), email: 'a@example.com', cookie: '' },
      buyer: { id: randomUUID(), email: 'b@example.com', cookie: '' },
      availableTicketId: randomUUID(),
      heldTicketId: randomUUID(),
      openOrderId: randomUUID(),
      fixtureTitles: [],
    };
    rateLimit = rateLimitFor(hostileCases(shape).concat(fuzzCases(shape, TOTAL_AT_LEAST)));
    stack = await startTestStack({
      services: [...SERVICES],
      env: {
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        AUTH_RATE_LIMIT: String(rateLimit),
        AUTH_ACCOUNT_FAILURE_LIMIT: String(rateLimit),
      },
      log: (name, line) => {
        if (/unhandled error|upstream unreachable|"level":(50|60)/.test(line))
          serviceErrors.push(`${name}| ${line.slice(0, 400)}`);
      },
    });

    const seller = await signUp();
    const buyer = await signUp();
    const titles = [`Hostile fixture available ${randomUUID()}`, `Hostile fixture held ${randomUUID()}`];
    const available = await call('POST', '/api/tickets', seller.cookie, { title: titles[0], price: 20 });
    const held = await call('POST', '/api/tickets', seller.cookie, { title: titles[1], price: 30 });
    const order = await eventually(async () => {
      const res = await call('POST', '/api/orders', buyer.cookie, { ticketId: held.body.id });
      return res.status === 201 && res.body;
    }, 10_000);
    fixtures = {
      signingKey: loadSigningKeys(readFileSync(path.join(stack.dataDir, 'session-signing.key'), 'utf8')).signing,
      webhookSecret,
      password: PASSWORD,
      seller,
      buyer,
      availableTicketId: available.body.id,
      heldTicketId: held.body.id,
      openOrderId: order.id,
      fixtureTitles: titles,
    };
    // Let every event of the set-up land, so that the phase starts from a still state.
    await eventually(async () => {
      const [ticket] = await query<{ status: string }>('tickets', 'SELECT status FROM tickets WHERE id = $1', [
        held.body.id,
      ]);
      const owned = await query<{ id: string; version: number }>(
        'tickets',
        'SELECT id, version FROM tickets ORDER BY id',
      );
      const replica = await query<{ id: string; version: number }>(
        'orders',
        'SELECT id, version FROM tickets ORDER BY id',
      );
      const paid = await query('payments', 'SELECT 1 FROM orders WHERE id = $1 AND ticket_held', [order.id]);
      return (
        ticket?.status === 'reserved' &&
        JSON.stringify(owned) === JSON.stringify(replica) &&
        paid.length === 1 &&
        (await pendingOutboxRows(databaseUrls())) === 0
      );
    }, 15_000);
  }, 180_000);

  afterAll(async () => {
    const statuses = [...histogram.entries()].sort(([a], [b]) => a - b);
    console.log(
      `hostile input: ${sent} requests through the gateway\nstatus histogram:\n${statuses
        .map(([status, n]) => `  ${status}: ${n}`)
        .join('\n')}`,
    );
    await stack?.cleanup();
  }, 60_000);

  it(`answers at least ${TOTAL_AT_LEAST} hostile requests with a 4xx in the error shape (2xx only where acceptable), never a 5xx, and changes no table of any service`, async () => {
    const before = await snapshotDatabases(databaseUrls());
    const deterministic = hostileCases(fixtures);
    const cases = deterministic.concat(fuzzCases(fixtures, Math.max(0, TOTAL_AT_LEAST - deterministic.length) + 200));
    const answers = await sendAll(stack.url, cases, CONCURRENCY);
    const failures: string[] = [];
    answers.forEach((answer, i) => {
      count(answer.status);
      const problem = judge(cases[i], answer);
      if (problem)
        failures.push(`${cases[i].method} ${cases[i].path.slice(0, 70)} [${cases[i].name.slice(0, 100)}]: ${problem}`);
    });
    const after = await snapshotDatabases(databaseUrls());

    if (failures.length) console.log(`${failures.length} failures:\n${failures.slice(0, 80).join('\n')}`);
    if (serviceErrors.length) console.log(`services logged errors:\n${serviceErrors.slice(0, 20).join('\n')}`);
    expect(cases.length).toBeGreaterThanOrEqual(TOTAL_AT_LEAST);
    expect(failures).toEqual([]);
    expect(after).toEqual(before);
    expect(serviceErrors).toEqual([]);
  }, 240_000);

  it('answers a body that trickles in over seconds, survives clients that stall or hang up, and stays healthy', async () => {
    const before = await snapshotDatabases(databaseUrls());
    const body = JSON.stringify({ title: 'Slow', price: -1 });
    const head = (length: number | string) =>
      `POST /api/tickets HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nCookie: ${fixtures.seller.cookie}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
    // The body, one byte every 100 ms (~3 s), then the answer.
    const slowBody = trickle(stack.url, head(body.length), Buffer.from(body), { bytesPerWrite: 1, everyMs: 100 });
    // Headers that never end: 2 bytes every 100 ms for 2 s, then the client hangs up.
    const slowHeaders = trickle(stack.url, '', Buffer.from(head(body.length)), {
      bytesPerWrite: 2,
      everyMs: 100,
      stopAfterBytes: 40,
    });
    // A body that announces 1000 bytes, sends 9 slowly and hangs up.
    const hangsUp = trickle(stack.url, head(1000), Buffer.from('{"title":'), {
      bytesPerWrite: 1,
      everyMs: 100,
      stopAfterBytes: 9,
    });
    // While they trickle, everyone else is served.
    const meanwhile = await fetch(`${stack.url}/api/tickets`);
    expect(meanwhile.status).toBe(200);

    const [answered, stalled, hungUp] = await Promise.all([slowBody, slowHeaders, hangsUp]);
    count(rawStatus(answered));
    count(rawStatus(stalled));
    count(rawStatus(hungUp));
    expect(rawStatus(answered)).toBe(400);
    expect(
      errorShapeProblem({ status: 400, contentType: 'application/json', text: rawBody(answered) }),
    ).toBeUndefined();
    // A client that stops half way gets a 4xx or a closed connection, never a 5xx.
    for (const response of [stalled, hungUp]) expect(rawStatus(response) === 0 || rawStatus(response) < 500).toBe(true);

    for (const service of SERVICES) {
      const health = await fetch(`http://127.0.0.1:${stack.ports[service]}/health`);
      expect([service, health.status]).toEqual([service, 200]);
    }
    expect((await fetch(`${stack.url}/api/users/currentuser`)).status).toBe(200);
    expect(await snapshotDatabases(databaseUrls())).toEqual(before);
  }, 60_000);

  it('answers a sign-in over the rate limit with 429 in the error shape', async () => {
    let answer: { status: number; type: string | null; text: string; limit: string | null } | undefined;
    for (let i = 0; i <= rateLimit && !answer; i += 1) {
      const res = await fetch(`${stack.url}/api/users/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":[]}',
      });
      count(res.status);
      const text = await res.text();
      if (res.status === 429)
        answer = { status: 429, type: res.headers.get('content-type'), text, limit: res.headers.get('ratelimit') };
      else expect(res.status).toBe(400);
    }
    expect(answer).toBeDefined();
    expect(
      errorShapeProblem({ status: 429, contentType: answer!.type ?? undefined, text: answer!.text }),
    ).toBeUndefined();
    expect(answer!.limit).toEqual(expect.any(String));
  }, 120_000);
});
