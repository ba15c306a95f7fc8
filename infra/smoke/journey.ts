/**
 * The buyer's journey through one origin, as a smoke check of a running site:
 *
 *   npx tsx infra/smoke/journey.ts <baseUrl>
 *
 * Signs up a seller and a buyer, lists a ticket, orders it, sees it reserved, then pays with Stripe's
 * test card `pm_card_visa` and sees the order complete and the ticket sold. It pays only when the site
 * takes no real money: its order page carries no Stripe publishable key (the sandbox gateway) or a
 * test-mode key (pk_test_...). With a live key (pk_live_...) it stops after "reserved", cancels the
 * order and withdraws the ticket, so a check of production never charges a card.
 * Exits 0 when every step passed, 1 naming the step that failed.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON; each step checks the fields it needs. */
import { randomBytes } from 'node:crypto';

export type Log = (message: string) => void;

export interface JourneyOptions {
  /** DESIGN.md: an ordered ticket shows as reserved within a second. */
  reservedWithinMs?: number;
  /** How long the asynchronous steps after payment may take. */
  settleWithinMs?: number;
}

export interface JourneyResult {
  paid: boolean;
  reservedAfterMs: number;
}

class Session {
  private cookie = '';

  constructor(
    private readonly baseUrl: string,
    private readonly who: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('session='));
    if (session) this.cookie = session.split(';')[0];
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  async expect(method: string, path: string, status: number, body?: unknown): Promise<any> {
    const res = await this.request(method, path, body);
    if (res.status !== status) {
      throw new Error(
        `${this.who}: ${method} ${path} answered ${res.status}, expected ${status}: ${res.text.slice(0, 300)}`,
      );
    }
    return res.json;
  }

  /**
   * A write that names what another service has only just published: orders learns a new ticket, and
   * payments a reserved order, over the bus, so until then they answer 404 and a client tries again.
   */
  async expectOnceKnown(method: string, path: string, status: number, body: unknown, withinMs: number): Promise<any> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const res = await this.request(method, path, body);
      if (res.status === 404 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (res.status !== status) {
        throw new Error(
          `${this.who}: ${method} ${path} answered ${res.status}, expected ${status}: ${res.text.slice(0, 300)}`,
        );
      }
      return res.json;
    }
  }
}

async function until<T>(what: string, withinMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const email = (role: string) => `smoke-${role}-${randomBytes(6).toString('hex')}@example.com`;
const password = () => `Smoke-${randomBytes(12).toString('hex')}`;

export async function runJourney(baseUrl: string, log: Log = console.log, options: JourneyOptions = {}) {
  const { reservedWithinMs = 1000, settleWithinMs = 10_000 } = options;
  const seller = new Session(baseUrl, 'seller');
  const buyer = new Session(baseUrl, 'buyer');

  const home = await seller.request('GET', '/');
  if (home.status !== 200 || !home.text.includes('<html')) throw new Error(`GET / answered ${home.status}, not a page`);
  log('home page rendered');

  await seller.expect('POST', '/api/users/signup', 201, { email: email('seller'), password: password() });
  const ticket = await seller.expect('POST', '/api/tickets', 201, { title: 'Smoke test concert', price: 12.5 });
  log(`seller signed up and listed ticket ${ticket.id}`);

  await buyer.expect('POST', '/api/users/signup', 201, { email: email('buyer'), password: password() });
  const order = await buyer.expectOnceKnown('POST', '/api/orders', 201, { ticketId: ticket.id }, settleWithinMs);
  const orderedAt = Date.now();
  await until('ticket shown as reserved', reservedWithinMs, async () => {
    const t = await buyer.expect('GET', `/api/tickets/${ticket.id}`, 200);
    return t.status === 'reserved' ? t : undefined;
  });
  const reservedAfterMs = Date.now() - orderedAt;
  log(`buyer ordered it (order ${order.id}); reserved after ${reservedAfterMs} ms`);

  const page = await buyer.request('GET', `/orders/${order.id}`);
  if (page.status !== 200) throw new Error(`order page answered ${page.status}`);
  const live = /pk_live_/.test(page.text);

  if (live) {
    log('the site takes live payments: cancelling instead of paying');
    await buyer.expect('DELETE', `/api/orders/${order.id}`, 204);
    await until('ticket available again', settleWithinMs, async () => {
      const t = await buyer.expect('GET', `/api/tickets/${ticket.id}`, 200);
      return t.status === 'available' ? t : undefined;
    });
    const withdrawn = await seller.request('DELETE', `/api/tickets/${ticket.id}`);
    log(`order cancelled, ticket available again${withdrawn.status === 204 ? ' and withdrawn' : ''}`);
  } else {
    const payment = await buyer.expectOnceKnown(
      'POST',
      '/api/payments',
      201,
      { orderId: order.id, paymentMethod: 'pm_card_visa' },
      settleWithinMs,
    );
    log(`paid with pm_card_visa (payment ${payment.id})`);
    await until('order complete', settleWithinMs, async () => {
      const o = await buyer.expect('GET', `/api/orders/${order.id}`, 200);
      return o.status === 'complete' ? o : undefined;
    });
    await until('ticket sold', settleWithinMs, async () => {
      const t = await buyer.expect('GET', `/api/tickets/${ticket.id}`, 200);
      return t.status === 'sold' ? t : undefined;
    });
    log('order complete, ticket sold');
  }

  for (const session of [seller, buyer]) await session.expect('POST', '/api/users/signout', 204);
  log('signed out');
  return { paid: !live, reservedAfterMs } satisfies JourneyResult;
}

if (require.main === module) {
  const baseUrl = process.argv[2];
  if (!baseUrl) {
    console.error('usage: npx tsx infra/smoke/journey.ts <baseUrl>');
    process.exit(2);
  }
  runJourney(baseUrl, (m) => console.log(`journey: ${m}`)).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`journey failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
