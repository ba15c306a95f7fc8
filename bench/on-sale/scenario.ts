import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import { Bus, createLogger, loadSigningKeys, signSession, type SigningKey } from '@microtick/common';
import { INFRASTRUCTURE, serviceNames, type ServiceName, type TestStack } from '@microtick/devstack';
import { cpuMs } from '../lib';
import { judge, type Answer, type Attempt, type Verdict } from './verdict';

/**
 * The on-sale against a running stack, through its gateway: `tickets` tickets for one event; `buyers`
 * buyers, each with its own signed-in session and its own keep-alive connection (opened by loading the
 * event's page beforehand, as a browser would), arrive evenly within `windowMs`; each orders one ticket,
 * and those who get one pay at once.
 */

export interface OnSaleOptions {
  tickets: number;
  buyers: number;
  windowMs: number;
  /** Seeds which ticket each buyer wants, so runs are alike. */
  seed: number;
}

export interface OnSaleResult {
  verdict: Verdict;
  /** Checked in the databases afterwards. */
  stored: {
    doubleSold: number;
    succeededPayments: number;
    soldTickets: number;
    /** Emails notifications recorded as sent about the held orders: a receipt and a "sold" for each sale. */
    emailsSent: number;
  };
  /** When every ticket was `sold` in the tickets service (the whole event chain), ms after opening. */
  allSoldMs: number;
  /** Payments answered 404 because payments' replica did not have the order yet, retried. */
  paymentRetries: number;
  /** CPU time (ms) each part of the stack used from the opening until every ticket was sold. */
  cpuMs: Record<string, number>;
}

/** CPU used so far by every process of the stack (replicas of a service summed), and by this load generator. */
function stackCpu(stack: TestStack): Record<string, number> {
  const used: Record<string, number> = {};
  for (const service of serviceNames) {
    used[service] = stack.replicasOf(service).reduce((sum, replica) => sum + cpuMs(stack.pid(replica)), 0);
  }
  for (const name of ['gateway', ...INFRASTRUCTURE] as const) used[name] = cpuMs(stack.pid(name));
  const self = process.cpuUsage();
  used['load generator'] = (self.user + self.system) / 1000;
  return used;
}

interface Response {
  status: number;
  body: unknown;
}

export function request(
  agent: http.Agent,
  url: string,
  method: string,
  cookie: string,
  body?: object,
): Promise<Response> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      { method, agent, headers: { cookie, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: kept as text, and the verdict sees a 409 without the error shape
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    // A connection error is an answer too: status 0, counted as unanswered.
    req.on('error', (err) => resolve({ status: 0, body: String(err) }));
    req.end(payload);
  });
}

/** A small seeded generator (mulberry32): which ticket each buyer wants. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sessionSigner(stack: TestStack) {
  const { signing } = loadSigningKeys(readFileSync(path.join(stack.dataDir, 'session-signing.key'), 'utf8'));
  return (id: string, key: SigningKey = signing) =>
    `session=${signSession({ id, email: `${id}@example.com` }, { key, sessionId: randomUUID(), ttlSeconds: 3600 })}`;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function countIn(databaseUrl: string, sql: string, values: unknown[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(sql, values)).rows[0].n;
  } finally {
    await client.end();
  }
}

/** Waits until `service`'s `table` (its copy, learnt from the bus) has a row for each of `ids`. */
async function untilAllKnown(stack: TestStack, service: ServiceName, table: string, ids: string[]): Promise<void> {
  await waitFor(`${service} to know every one of ${ids.length} ${table}`, async () => {
    const sql = `SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1)`;
    return (await countIn(stack.databaseUrl(service), sql, [ids])) === ids.length;
  });
}

/**
 * `count` users who signed up before the sale, as real buyers and sellers did: auth's user.created for
 * each is on the bus and notifications knows their addresses, so a sale's receipt and "sold" emails go out
 * (without it they waited, and their events came back again and again, for users that never existed).
 */
export async function signedUpUsers(stack: TestStack, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const bus = await Bus.connect({
    url: stack.infra.nats,
    name: 'on-sale-sign-ups',
    logger: createLogger('bench', 'silent'),
  });
  try {
    for (let from = 0; from < ids.length; from += 500) {
      await Promise.all(
        ids
          .slice(from, from + 500)
          .map((id) => bus.publish('user.created', { id, email: `${id}@example.com`, version: 0 })),
      );
    }
  } finally {
    await bus.close();
  }
  await untilAllKnown(stack, 'notifications', 'users', ids);
  return ids;
}

/** Puts `count` tickets of one event on sale and waits until orders' replica knows them all. */
export async function putOnSale(stack: TestStack, count: number, label: string): Promise<string[]> {
  const base = `http://127.0.0.1:${stack.ports.gateway}`;
  const [sellerId] = await signedUpUsers(stack, 1);
  const seller = sessionSigner(stack)(sellerId);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const startsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const res = await request(agent, `${base}/api/tickets`, 'POST', seller, {
        title: `${label}: the on-sale, seat ${n + 1}`,
        price: 80,
        venue: 'The Arena',
        startsAt,
        seat: `Floor, row ${Math.floor(n / 20) + 1}, seat ${(n % 20) + 1}`,
      });
      if (res.status !== 201) throw new Error(`creating a ticket answered ${res.status}: ${JSON.stringify(res.body)}`);
      return (res.body as { id: string }).id;
    }),
  );
  agent.destroy();
  await untilAllKnown(stack, 'orders', 'tickets', ids);
  return ids;
}

export async function runOnSale(stack: TestStack, options: OnSaleOptions): Promise<OnSaleResult> {
  const base = `http://127.0.0.1:${stack.ports.gateway}`;
  const ticketIds = await putOnSale(stack, options.tickets, `Run ${options.seed}`);
  const sign = sessionSigner(stack);
  const random = seeded(options.seed);
  const buyers = (await signedUpUsers(stack, options.buyers)).map((id) => ({
    cookie: sign(id),
    agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
    ticketId: ticketIds[Math.floor(random() * ticketIds.length)],
  }));

  // Every buyer has the event's page open: its connection to the gateway is there before the sale opens.
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < buyers.length) {
        const buyer = buyers[next++];
        await request(buyer.agent, `${base}/api/tickets`, 'GET', buyer.cookie);
      }
    }),
  );

  let paymentRetries = 0;
  const cpuAtOpening = stackCpu(stack);
  const opened = performance.now() + 20;
  const since = () => performance.now() - opened;
  const buy = async (i: number, arrivedMs: number): Promise<Attempt> => {
    const { agent, cookie, ticketId } = buyers[i];
    const ordered = await request(agent, `${base}/api/orders`, 'POST', cookie, { ticketId });
    const order: Answer = { ...ordered, atMs: since() };
    const attempt: Attempt = { buyer: i, ticketId, arrivedMs, order };
    if (ordered.status !== 201) return attempt;
    const orderId = (ordered.body as { id: string }).id;
    const sentMs = since();
    for (let tries = 1; ; tries += 1) {
      const paid = await request(agent, `${base}/api/payments`, 'POST', cookie, {
        orderId,
        paymentMethod: 'pm_card_visa',
      });
      // 404: payments' replica of the order (order.created, then the reservation's ticket.updated) was
      // not there within the second payments waits for it.
      if (paid.status === 404 && tries < 100) {
        paymentRetries += 1;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      attempt.payment = { ...paid, atMs: since(), sentMs, tries };
      return attempt;
    }
  };

  const attempts: Promise<Attempt>[] = [];
  for (let i = 0; i < buyers.length; i += 1) {
    const arrivedMs = (i * options.windowMs) / buyers.length;
    const wait = arrivedMs - since();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    attempts.push(buy(i, arrivedMs));
  }
  const settled = await Promise.all(attempts);
  const verdict = judge(ticketIds, settled);

  let allSoldMs = NaN;
  const soldCount = () =>
    countIn(
      stack.databaseUrl('tickets'),
      "SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1) AND status = 'sold'",
      [ticketIds],
    );
  await waitFor('every ticket to be sold', async () => (await soldCount()) === ticketIds.length, 10_000)
    .then(() => (allSoldMs = since()))
    .catch(() => undefined);
  const cpuAtEnd = stackCpu(stack);
  const cpu = Object.fromEntries(Object.entries(cpuAtEnd).map(([name, ms]) => [name, ms - cpuAtOpening[name]]));
  const heldOrders = settled.filter((a) => a.order.status === 201).map((a) => (a.order.body as { id: string }).id);
  const stored = {
    doubleSold: await countIn(
      stack.databaseUrl('orders'),
      `SELECT count(*)::int AS n FROM (SELECT ticket_id FROM orders WHERE ticket_id = ANY($1)
         AND status IN ('created', 'complete') GROUP BY ticket_id HAVING count(*) > 1) twice`,
      [ticketIds],
    ),
    succeededPayments: await countIn(
      stack.databaseUrl('payments'),
      "SELECT count(*)::int AS n FROM payments WHERE order_id = ANY($1) AND status = 'succeeded'",
      [heldOrders],
    ),
    soldTickets: await soldCount(),
    emailsSent: await sentEmails(stack, heldOrders, 2 * verdict.paid),
  };
  for (const buyer of buyers) buyer.agent.destroy();
  return { verdict, stored, allSoldMs, paymentRetries, cpuMs: cpu };
}

/** Emails sent about `orderIds`, once `expected` of them are (or after 10 s, however many there are). */
async function sentEmails(stack: TestStack, orderIds: string[], expected: number): Promise<number> {
  const count = () =>
    countIn(stack.databaseUrl('notifications'), 'SELECT count(*)::int AS n FROM sent_emails WHERE order_id = ANY($1)', [
      orderIds,
    ]);
  await waitFor("the sales' emails", async () => (await count()) >= expected, 10_000).catch(() => undefined);
  return count();
}

/**
 * The orders-only ceiling in the same stack: the same number of buyers for as many tickets, sent
 * straight to the orders service over `connections` keep-alive connections, as fast as it answers (no
 * gateway, no payments), spread over its replicas. Returns how long it took to answer them all.
 */
export async function ordersCeiling(
  stack: TestStack,
  options: OnSaleOptions & { connections: number },
): Promise<{ elapsedMs: number; perSecond: number; statuses: Record<number, number> }> {
  const ticketIds = await putOnSale(stack, options.tickets, `Ceiling ${options.seed}`);
  const sign = sessionSigner(stack);
  const random = seeded(options.seed);
  const orders = Array.from({ length: options.buyers }, () => ({
    cookie: sign(randomUUID()),
    ticketId: ticketIds[Math.floor(random() * ticketIds.length)],
  }));
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  // With replicas, the connections take turns over them, as the gateway's round robin would.
  const urls = stack.replicasOf('orders').map((replica) => `http://127.0.0.1:${stack.ports[replica]}/api/orders`);
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async (_, connection) => {
      const url = urls[connection % urls.length];
      while (next < orders.length) {
        const { cookie, ticketId } = orders[next++];
        const { status } = await request(agent, url, 'POST', cookie, { ticketId });
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { elapsedMs, perSecond: (orders.length / elapsedMs) * 1000, statuses };
}
