import { randomUUID } from 'node:crypto';
import { serviceNames, startTestStack, type ProcessName } from '@microtick/devstack';
import {
  allHold,
  checkInvariants,
  revokedSessionsAccepted,
  type InvariantReport,
  type RevokedSessionProbe,
} from './invariants';
import { notificationViolations } from './notification-invariants';

/**
 * Fault injection on two replicas of every service (two outbox relays per database, two order placers,
 * competing durable consumers, two expiration workers): 500 buyers go through order→pay, order→pay at
 * the deadline, order→cancel and order→expire, and hoarders try to hold more than the cap, while orders
 * gets a rolling restart (one replica stopped and started again, then the other), then one replica of
 * every service, nats-server (for longer than the listeners' ack wait) and redis-server are SIGKILLed
 * and restarted, one at a time. Afterwards the databases must satisfy the marketplace's invariants, and
 * the SMTP server must hold no email twice and a receipt for every completed order.
 * Clients retry what a real client would retry (gateway 502s and dropped connections); a 500 from a
 * service is counted as a bug.
 */

const BUYERS = Number(process.env.CHAOS_BUYERS ?? 500);
const TICKETS = Math.ceil(BUYERS / 2);
const CONCURRENCY = 25;
const WINDOW_SECONDS = 6;
const REPLICAS = Object.fromEntries(serviceNames.map((s) => [s, 2]));
/** One replica of each service goes down hard while its twin keeps serving; then the bus and Redis. */
const VICTIMS: ProcessName[] = [...serviceNames, 'nats', 'redis'];
/** NATS stays down longer than the listeners' 10-second ack wait; the others restart after a second. */
const DOWNTIME_MS: Partial<Record<ProcessName, number>> = { nats: 12_000 };
const HOARDERS = 10;
/** Revoked-session probes go on this long after the last restart (past the 5 s allowed after NATS). */
const AFTER_FAULTS_MS = 10_000;
const MAX_OPEN_ORDERS = 5;

const stats = {
  requests: 0,
  retried: 0,
  serverErrors: 0,
  created: 0,
  paid: 0,
  declined: 0,
  cancelled: 0,
  leftToExpire: 0,
  conflicts: 0,
  holdsRefused: 0,
};
/** Orders whose payment was answered 201: each must end complete with its ticket sold, even if cancelled below. */
const paidOrderIds: string[] = [];
/**
 * Orders the load asked to cancel: a hoarder's, a declined buyer's after the 402, and one in five paying
 * buyers' at the same moment as their payment.
 */
const cancelledOrderIds: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Client {
  cookie = '';
  constructor(private readonly base: string) {}
  /** Retries while the gateway cannot reach a service (502) or the connection drops mid-request. */
  async call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt += 1) {
      stats.requests += 1;
      try {
        const res = await fetch(`${this.base}${url}`, {
          method,
          headers: {
            ...(body ? { 'content-type': 'application/json' } : {}),
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(15_000),
        });
        const session = res.headers.get('set-cookie')?.match(/session=([^;]+)/);
        if (session) this.cookie = `session=${session[1]}`;
        const text = await res.text();
        if (res.status === 500) stats.serverErrors += 1;
        if ((res.status === 502 || res.status === 503) && attempt < 120) {
          stats.retried += 1;
          await sleep(250);
          continue;
        }
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      } catch (err) {
        if (attempt >= 120) throw err;
        stats.retried += 1;
        await sleep(250);
      }
    }
  }
  async signUp(): Promise<void> {
    const credentials = { email: `chaos-${randomUUID()}@example.com`, password: 'chaos monkey password' };
    const res = await this.call('POST', '/api/users/signup', credentials);
    // A retried sign-up whose first attempt landed: sign in instead.
    if (res.status === 409) await this.call('POST', '/api/users/signin', credentials);
    else if (res.status !== 201) throw new Error(`signup: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

const SESSION_PROBES: [service: string, method: string, url: string, body?: object][] = [
  ['auth', 'GET', '/api/users/currentuser'],
  ['tickets', 'GET', '/api/tickets/mine'],
  ['orders', 'GET', '/api/orders'],
  ['payments', 'POST', '/api/payments', {}],
];

/** Signs users up and out while the faults run, and sends each copied cookie to every service 1 s later. */
async function probeRevokedSessions(base: string, running: () => boolean, probes: RevokedSessionProbe[]) {
  while (running()) {
    const user = new Client(base);
    await user.signUp();
    const copied = new Client(base);
    copied.cookie = user.cookie;
    if ((await user.call('POST', '/api/users/signout')).status !== 204) continue;
    const signedOutAt = Date.now();
    await sleep(1000);
    for (const [service, method, url, body] of SESSION_PROBES) {
      // Timed from when the probe is sent: a slow answer does not make an early acceptance late.
      const sentAt = Date.now();
      const res = await copied.call(method, url, body);
      // currentuser answers 200 either way: signed out is a null user.
      const status = service === 'auth' && res.status === 200 && res.body?.currentUser === null ? 401 : res.status;
      probes.push({ service, signedOutAt, sentAt, status });
    }
  }
}

/** Finds the buyer's own open order for a ticket after an ambiguous answer (a retry after a lost response). */
async function ownOrderFor(buyer: Client, ticketId: string): Promise<{ id: string } | undefined> {
  const res = await buyer.call('GET', '/api/orders');
  return res.body?.orders?.find(
    (o: { ticket: { id: string }; status: string }) => o.ticket.id === ticketId && o.status === 'created',
  );
}

/** One buyer orders 2 more tickets than the cap allows, all at once, then lets them go. */
async function hoarderFlow(base: string, ticketIds: string[]): Promise<void> {
  const hoarder = new Client(base);
  await hoarder.signUp();
  const wanted = Array.from(
    { length: MAX_OPEN_ORDERS + 2 },
    () => ticketIds[Math.floor(Math.random() * ticketIds.length)],
  );
  const answers = await Promise.all(wanted.map((ticketId) => hoarder.call('POST', '/api/orders', { ticketId })));
  for (const res of answers) {
    if (res.status === 201) {
      cancelledOrderIds.push(res.body.id);
      await hoarder.call('DELETE', `/api/orders/${res.body.id}`);
    } else if (res.status === 409 && /at most/.test(res.body?.errors?.[0]?.message)) stats.holdsRefused += 1;
  }
}

async function pay(buyer: Client, orderId: string): Promise<void> {
  let res = await buyer.call('POST', '/api/payments', { orderId, paymentMethod: 'pm_card_visa' });
  // The payments replica has not seen order.created yet (a restart, an outage): try again for a while.
  for (let attempt = 0; res.status === 404 && attempt < 40; attempt += 1) {
    await sleep(250);
    res = await buyer.call('POST', '/api/payments', { orderId, paymentMethod: 'pm_card_visa' });
  }
  if (res.status === 201) {
    stats.paid += 1;
    paidOrderIds.push(orderId);
  }
}

async function buyerFlow(base: string, i: number, ticketIds: string[]): Promise<void> {
  const buyer = new Client(base);
  await buyer.signUp();
  const ticketId = ticketIds[i % ticketIds.length];
  let order: { id: string; expiresAt?: string } | undefined;
  for (let attempt = 0; attempt < 40 && !order; attempt += 1) {
    const res = await buyer.call('POST', '/api/orders', { ticketId });
    if (res.status === 201) order = res.body;
    else if (res.status === 409) {
      order = await ownOrderFor(buyer, ticketId);
      if (!order) {
        stats.conflicts += 1;
        return;
      }
    } else if (res.status === 404)
      await sleep(250); // the orders replica has not seen the ticket yet
    else throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (!order) return;
  stats.created += 1;
  switch (i % 5) {
    case 0:
      await pay(buyer, order.id);
      break;
    case 1:
      // The buyer pays and cancels at once (two tabs): whichever payments lets win, a 201 completes the order.
      cancelledOrderIds.push(order.id);
      await Promise.all([pay(buyer, order.id), buyer.call('DELETE', `/api/orders/${order.id}`)]);
      break;
    case 2: {
      // Pays in the last 100 ms before the deadline or just after it: each payment is judged once, a 201
      // must complete the order and a refusal must charge nothing.
      const deadline = order.expiresAt ? Date.parse(order.expiresAt) : Date.now() + WINDOW_SECONDS * 1000;
      await sleep(Math.max(0, deadline - 100 + Math.random() * 120 - Date.now()));
      await pay(buyer, order.id);
      break;
    }
    case 3: {
      const declined = await buyer.call('POST', '/api/payments', {
        orderId: order.id,
        paymentMethod: 'pm_card_chargeDeclined',
      });
      if (declined.status === 402) stats.declined += 1;
      cancelledOrderIds.push(order.id);
      await buyer.call('DELETE', `/api/orders/${order.id}`);
      stats.cancelled += 1;
      break;
    }
    default:
      stats.leftToExpire += 1;
  }
}

describe('fault injection', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({ replicas: REPLICAS, env: { ORDER_EXPIRATION_SECONDS: String(WINDOW_SECONDS) } });
  }, 120_000);
  afterAll(() => stack?.cleanup(), 60_000);

  it(`keeps every invariant while ${BUYERS} buyers trade, orders restarts replica by replica and each process is killed`, async () => {
    const seller = new Client(stack.url);
    await seller.signUp();
    // The seller connects a (sandbox) payout account, so every sale is transferred while processes die.
    expect((await seller.call('POST', '/api/payments/payout-account', {})).status).toBe(200);
    expect((await seller.call('POST', '/api/payments/payout-account/sandbox-onboarding', {})).status).toBe(200);
    const ticketIds: string[] = [];
    for (let i = 0; i < TICKETS; i += 1) {
      const res = await seller.call('POST', '/api/tickets', { title: `Chaos ticket ${i}`, price: 10 + (i % 90) });
      expect(res.status).toBe(201);
      ticketIds.push(res.body.id);
    }

    let next = 0;
    const buyers = Promise.all([
      ...Array.from({ length: CONCURRENCY }, async () => {
        while (next < BUYERS) await buyerFlow(stack.url, next++, ticketIds);
      }),
      (async () => {
        for (let h = 0; h < HOARDERS; h += 1) {
          await sleep(1000);
          await hoarderFlow(stack.url, ticketIds);
        }
      })(),
    ]);
    const sessionProbes: RevokedSessionProbe[] = [];
    let trading = true;
    const prober = probeRevokedSessions(stack.url, () => trading, sessionProbes);
    const kills: string[] = [];
    const faults: { victim: string; from: number; to: number }[] = [];
    let paidDuringRollingRestart = 0;
    const killer = (async () => {
      await sleep(1500);
      // Rolling restart while payments arrive: each orders replica drains (SIGTERM) and is back and ready
      // before the next one goes.
      const paidBefore = stats.paid;
      for (const replica of stack.replicasOf('orders')) {
        const from = Date.now();
        await stack.kill(replica, 'SIGTERM');
        await stack.start(replica);
        faults.push({ victim: `${replica} (rolling)`, from, to: Date.now() });
      }
      paidDuringRollingRestart = stats.paid - paidBefore;
      for (const victim of VICTIMS) {
        await sleep(1500);
        const from = Date.now();
        await stack.kill(victim, 'SIGKILL');
        kills.push(victim);
        await sleep(DOWNTIME_MS[victim] ?? 1000);
        await stack.start(victim);
        faults.push({ victim, from, to: Date.now() });
      }
    })();
    try {
      await Promise.all([buyers, killer]);
      // Sign-outs once the last fault is over must reach every replica within the second again.
      await sleep(AFTER_FAULTS_MS);
    } catch (err) {
      // Stop the prober before failing: left running, it signed users up against a stack being torn down
      // and failed the next test file (seen once in CI).
      trading = false;
      await prober.catch(() => undefined);
      throw err;
    }
    trading = false;
    await prober;

    // Let every window close and every event settle, then read the databases.
    let report: InvariantReport | undefined;
    const deadline = Date.now() + (WINDOW_SECONDS + 60) * 1000;
    do {
      await sleep(1000);
      report = await checkInvariants(stack, { paidOrderIds, cancelledOrderIds, maxOpenOrders: MAX_OPEN_ORDERS });
      Object.assign(report.violations, await notificationViolations(stack));
    } while (!allHold(report) && Date.now() < deadline);
    report.violations['no revoked session is accepted 1 s after its sign-out (15 s across a NATS outage)'] =
      revokedSessionsAccepted(sessionProbes, faults);
    report.counts['revoked-session probes'] = sessionProbes.length;

    console.log(
      [
        `chaos: rolling restart of orders (${paidDuringRollingRestart} payments answered 201 meanwhile); killed and restarted ${kills.join(', ')}`,
        `client: ${JSON.stringify(stats)}`,
        `databases: ${JSON.stringify(report.counts)}`,
        ...Object.entries(report.violations).map(
          ([name, list]) =>
            `${list.length === 0 ? 'ok  ' : 'FAIL'} ${name}${list.length ? `: ${list.slice(0, 5).join('; ')}` : ''}`,
        ),
      ].join('\n'),
    );
    expect(kills).toEqual(VICTIMS);
    expect(paidDuringRollingRestart).toBeGreaterThan(0);
    expect(report.violations).toEqual(Object.fromEntries(Object.keys(report.violations).map((k) => [k, []])));
    expect(stats.serverErrors).toBe(0);
    expect(report.counts.orders).toBeGreaterThanOrEqual(TICKETS);
    expect(report.counts.complete).toBeGreaterThan(0);
    expect(report.counts.cancelled).toBeGreaterThan(0);
    expect(sessionProbes.length).toBeGreaterThan(0);
  }, 600_000);
});
