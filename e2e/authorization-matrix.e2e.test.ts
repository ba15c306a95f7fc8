import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { ApiClient, startTestStack, eventually, type ApiResponse } from '@microtick/devstack';

/**
 * Issue 8, authorization: every route of DESIGN.md's HTTP API × {anonymous, owner, another signed-in
 * user}, each cell on fresh fixtures (unique users, tickets, orders), through the gateway of the real
 * stack. Where a request is refused, the fixture it aimed at must be unchanged.
 */

type Who = 'anonymous' | 'owner' | 'other';
const WHO: Who[] = ['anonymous', 'owner', 'other'];
const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;

interface Outcome {
  status: number;
  /** What is wrong besides the status (a body showing someone else's data, a refused change that happened). */
  problem?: string;
}

interface Row {
  route: string;
  /** Who "owner" is for this route. */
  owner: string;
  expected: Record<Who, number>;
  run(who: Who): Promise<Outcome>;
}

describe('authorization matrix through the gateway', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const results: { row: Row; actual: Partial<Record<Who, Outcome>> }[] = [];

  beforeAll(async () => {
    stack = await startTestStack({
      services: ['auth', 'tickets', 'orders', 'payments'],
      env: { STRIPE_WEBHOOK_SECRET: webhookSecret },
    });
  }, 180_000);

  afterAll(async () => {
    const cell = (row: Row, who: Who) => {
      const outcome = results.find((r) => r.row === row)?.actual[who];
      if (!outcome) return `${row.expected[who]} (not run)`;
      const ok = outcome.status === row.expected[who] && !outcome.problem;
      return ok ? `${outcome.status} ok` : `${outcome.status} ≠ ${row.expected[who]}${outcome.problem ? ' !' : ''}`;
    };
    const table = [
      ['route', 'owner is', ...WHO],
      ...results.map(({ row }) => [row.route, row.owner, ...WHO.map((who) => cell(row, who))]),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((line) => line[i].length)));
    const lines = table.map((line) => `| ${line.map((text, i) => text.padEnd(widths[i])).join(' | ')} |`);
    lines.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    console.log(`authorization matrix (actual status, ok when it is the expected one):\n${lines.join('\n')}`);
    await stack?.cleanup();
  }, 60_000);

  // Builders: every cell gets its own users, tickets and orders.
  const anonymous = () => new ApiClient(stack.url);
  const user = () => new ApiClient(stack.url).signUp();
  const actorFor = async (who: Who, owner: ApiClient) =>
    who === 'anonymous' ? anonymous() : who === 'owner' ? owner : user();

  async function ticketOf(seller: ApiClient) {
    const res = await seller.request('POST', '/api/tickets', { title: `Matrix ${randomUUID()}`, price: 25 });
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; title: string; price: number; version: number };
  }

  /** Retries while the orders service has not yet heard of the ticket (ticket.created is asynchronous). */
  async function whenTicketKnown(send: () => Promise<ApiResponse>): Promise<ApiResponse> {
    let last: ApiResponse | undefined;
    await eventually(async () => {
      last = await send();
      return last.status !== 404 || last.body?.errors?.[0]?.message !== 'Ticket not found';
    }, 10_000);
    return last!;
  }

  async function orderOf(buyer: ApiClient, ticketId: string) {
    const res = await whenTicketKnown(() => buyer.request('POST', '/api/orders', { ticketId }));
    if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; status: string };
  }

  async function knownToPayments(orderId: string) {
    const client = new pg.Client({ connectionString: stack.databaseUrl('payments') });
    await client.connect();
    try {
      await eventually(
        async () =>
          (await client.query('SELECT 1 FROM orders WHERE id = $1 AND ticket_held', [orderId])).rowCount === 1,
        10_000,
      );
    } finally {
      await client.end();
    }
  }

  /** A buyer's open order on a fresh seller's ticket. */
  async function openOrder() {
    const seller = await user();
    const buyer = await user();
    const ticket = await ticketOf(seller);
    const order = await orderOf(buyer, ticket.id);
    return { seller, buyer, ticket, order };
  }

  const statusOf = async (owner: ApiClient, orderId: string) =>
    (await owner.request('GET', `/api/orders/${orderId}`)).body.status;
  const signedEvent = (type: string) => {
    const payload = JSON.stringify({ id: `evt_${randomUUID()}`, type, data: { object: {} } });
    const at = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', webhookSecret).update(`${at}.${payload}`).digest('hex');
    return { payload, signature: `t=${at},v1=${v1}` };
  };
  async function webhook(actor: ApiClient, signature: string | undefined, payload: string): Promise<Outcome> {
    const cookie = (actor as unknown as { cookie: string }).cookie;
    const res = await fetch(`${stack.url}/api/payments/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
        ...(cookie ? { cookie } : {}),
      },
      body: payload,
    });
    await res.text();
    return { status: res.status };
  }

  /**
   * A fresh seller (with a payout account when `connected`), `send` by `who`, then the seller's own account
   * status, which must be `owner` when the seller sent it and `otherwise` when someone else did.
   */
  async function payoutAccountCell(
    who: Who,
    expected: { connected: boolean; owner: string; otherwise: string },
    send: (actor: ApiClient) => Promise<ApiResponse>,
  ): Promise<Outcome> {
    const seller = await user();
    if (expected.connected) await seller.request('POST', '/api/payments/payout-account', {});
    const res = await send(await actorFor(who, seller));
    const status = (await seller.request('GET', '/api/payments/payout-account')).body.status;
    const want = who === 'owner' ? expected.owner : expected.otherwise;
    return { status: res.status, problem: status === want ? undefined : `the seller's account is ${status}` };
  }

  const rows: Row[] = [
    {
      route: 'POST /api/users/signup',
      owner: 'any visitor',
      expected: { anonymous: 201, owner: 201, other: 201 },
      async run(who) {
        const actor = await actorFor(who, await user());
        const res = await actor.request('POST', '/api/users/signup', {
          email: `matrix-${randomUUID()}@example.com`,
          password: 'a good long password',
        });
        return { status: res.status };
      },
    },
    {
      route: 'POST /api/users/signin',
      owner: 'the account',
      expected: { anonymous: 200, owner: 200, other: 200 },
      async run(who) {
        const account = await user();
        const actor = await actorFor(who, account);
        const res = await actor.request('POST', '/api/users/signin', {
          email: account.email,
          password: 'a good long password',
        });
        return { status: res.status, problem: res.body?.id === account.id ? undefined : 'signed in as someone else' };
      },
    },
    {
      route: 'POST /api/users/signout',
      owner: 'any visitor',
      expected: { anonymous: 204, owner: 204, other: 204 },
      async run(who) {
        const actor = await actorFor(who, await user());
        const res = await actor.request('POST', '/api/users/signout');
        const after = await actor.request('GET', '/api/users/currentuser');
        return { status: res.status, problem: after.body.currentUser === null ? undefined : 'still signed in' };
      },
    },
    {
      route: 'GET /api/users/currentuser',
      owner: 'the signed-in user',
      expected: { anonymous: 200, owner: 200, other: 200 },
      async run(who) {
        const actor = await actorFor(who, await user());
        const res = await actor.request('GET', '/api/users/currentuser');
        const want = who === 'anonymous' ? null : { id: actor.id, email: actor.email };
        return {
          status: res.status,
          problem:
            JSON.stringify(res.body.currentUser) === JSON.stringify(want)
              ? undefined
              : `currentUser ${JSON.stringify(res.body.currentUser)}`,
        };
      },
    },
    {
      route: 'GET /api/tickets',
      owner: 'the seller',
      expected: { anonymous: 200, owner: 200, other: 200 },
      async run(who) {
        const seller = await user();
        const ticket = await ticketOf(seller);
        const res = await (
          await actorFor(who, seller)
        ).request('GET', `/api/tickets?q=${encodeURIComponent(ticket.title)}`);
        return {
          status: res.status,
          problem: res.body.tickets?.[0]?.id === ticket.id ? undefined : 'ticket not listed',
        };
      },
    },
    {
      route: 'GET /api/tickets/:id',
      owner: 'the seller',
      expected: { anonymous: 200, owner: 200, other: 200 },
      async run(who) {
        const seller = await user();
        const ticket = await ticketOf(seller);
        const res = await (await actorFor(who, seller)).request('GET', `/api/tickets/${ticket.id}`);
        return { status: res.status, problem: res.body.id === ticket.id ? undefined : 'another ticket' };
      },
    },
    {
      route: 'GET /api/tickets/mine',
      owner: 'a seller',
      expected: { anonymous: 401, owner: 200, other: 200 },
      async run(who) {
        const seller = await user();
        const ticket = await ticketOf(seller);
        const actor = await actorFor(who, seller);
        const res = await actor.request('GET', '/api/tickets/mine');
        if (res.status !== 200) return { status: res.status };
        const tickets = res.body.tickets as { id: string; userId: string }[];
        const onlyOwn = tickets.every((t) => t.userId === actor.id);
        const want = who === 'owner' ? [ticket.id] : [];
        return {
          status: res.status,
          problem:
            onlyOwn && JSON.stringify(tickets.map((t) => t.id)) === JSON.stringify(want)
              ? undefined
              : `saw ${JSON.stringify(tickets)}`,
        };
      },
    },
    {
      route: 'POST /api/tickets',
      owner: 'any signed-in user',
      expected: { anonymous: 401, owner: 201, other: 201 },
      async run(who) {
        const actor = await actorFor(who, await user());
        const res = await actor.request('POST', '/api/tickets', {
          title: `Matrix ${randomUUID()}`,
          price: 10,
          userId: randomUUID(),
        });
        return {
          status: res.status,
          problem: res.status !== 201 || res.body.userId === actor.id ? undefined : 'listed for someone else',
        };
      },
    },
    {
      route: 'PUT /api/tickets/:id',
      owner: 'the seller',
      expected: { anonymous: 401, owner: 200, other: 403 },
      async run(who) {
        const seller = await user();
        const ticket = await ticketOf(seller);
        const res = await (
          await actorFor(who, seller)
        ).request('PUT', `/api/tickets/${ticket.id}`, { title: 'Changed', price: 99 });
        const after = (await anonymous().request('GET', `/api/tickets/${ticket.id}`)).body;
        const changed = after.title === 'Changed';
        return {
          status: res.status,
          problem: changed === (res.status === 200) ? undefined : `title is ${after.title}`,
        };
      },
    },
    {
      route: 'GET /api/orders',
      owner: 'the buyer',
      expected: { anonymous: 401, owner: 200, other: 200 },
      async run(who) {
        const { buyer, order } = await openOrder();
        const actor = await actorFor(who, buyer);
        const res = await actor.request('GET', '/api/orders');
        if (res.status !== 200) return { status: res.status };
        const ids = (res.body.orders as { id: string; userId: string }[]).map((o) => o.id);
        const onlyOwn = (res.body.orders as { userId: string }[]).every((o) => o.userId === actor.id);
        const want = who === 'owner' ? [order.id] : [];
        return {
          status: res.status,
          problem: onlyOwn && JSON.stringify(ids) === JSON.stringify(want) ? undefined : `saw ${ids}`,
        };
      },
    },
    {
      route: 'GET /api/orders/:id',
      owner: 'the buyer',
      expected: { anonymous: 401, owner: 200, other: 404 },
      async run(who) {
        const { buyer, order } = await openOrder();
        const res = await (await actorFor(who, buyer)).request('GET', `/api/orders/${order.id}`);
        return {
          status: res.status,
          problem: res.status !== 200 || res.body.id === order.id ? undefined : 'another order',
        };
      },
    },
    {
      route: 'GET /api/orders/:id (the seller)',
      owner: 'the buyer',
      expected: { anonymous: 401, owner: 200, other: 404 },
      async run(who) {
        // "other" here is the seller of the ordered ticket: still not their order.
        const { seller, buyer, order } = await openOrder();
        const actor = who === 'other' ? seller : await actorFor(who, buyer);
        const res = await actor.request('GET', `/api/orders/${order.id}`);
        return { status: res.status };
      },
    },
    {
      route: 'POST /api/orders',
      owner: 'the seller of the ticket',
      expected: { anonymous: 401, owner: 403, other: 201 },
      async run(who) {
        const seller = await user();
        const ticket = await ticketOf(seller);
        const actor = await actorFor(who, seller);
        const res = await whenTicketKnown(() => actor.request('POST', '/api/orders', { ticketId: ticket.id }));
        return {
          status: res.status,
          problem: res.status !== 201 || res.body.userId === actor.id ? undefined : 'ordered for someone else',
        };
      },
    },
    {
      route: 'DELETE /api/orders/:id',
      owner: 'the buyer',
      expected: { anonymous: 401, owner: 204, other: 404 },
      async run(who) {
        const { buyer, order } = await openOrder();
        const res = await (await actorFor(who, buyer)).request('DELETE', `/api/orders/${order.id}`);
        const status = await statusOf(buyer, order.id);
        const want = res.status === 204 ? 'cancelled' : 'created';
        return { status: res.status, problem: status === want ? undefined : `order is ${status}` };
      },
    },
    {
      route: 'POST /api/payments',
      owner: 'the buyer',
      expected: { anonymous: 401, owner: 201, other: 404 },
      async run(who) {
        const { buyer, order } = await openOrder();
        await knownToPayments(order.id);
        const res = await (
          await actorFor(who, buyer)
        ).request('POST', '/api/payments', {
          orderId: order.id,
          paymentMethod: 'pm_card_visa',
        });
        if (res.status === 201) {
          await eventually(async () => (await statusOf(buyer, order.id)) === 'complete', 5000);
          return { status: res.status };
        }
        const status = await statusOf(buyer, order.id);
        return { status: res.status, problem: status === 'created' ? undefined : `order is ${status}` };
      },
    },
    {
      route: 'POST /api/payments/payout-account',
      owner: 'any signed-in user (their own account)',
      expected: { anonymous: 401, owner: 200, other: 200 },
      run: (who) =>
        payoutAccountCell(who, { connected: false, owner: 'pending', otherwise: 'none' }, (actor) =>
          actor.request('POST', '/api/payments/payout-account', {}),
        ),
    },
    {
      route: 'GET /api/payments/payout-account',
      owner: 'a seller',
      expected: { anonymous: 401, owner: 200, other: 200 },
      async run(who) {
        const seller = await user();
        await seller.request('POST', '/api/payments/payout-account', {});
        const res = await (await actorFor(who, seller)).request('GET', '/api/payments/payout-account');
        if (res.status !== 200) return { status: res.status };
        const expected = who === 'owner' ? 'pending' : 'none';
        return { status: res.status, problem: res.body.status === expected ? undefined : `saw ${res.body.status}` };
      },
    },
    {
      route: 'POST /api/payments/payout-account/sandbox-onboarding',
      owner: 'a seller with an account',
      expected: { anonymous: 401, owner: 200, other: 404 },
      run: (who) =>
        payoutAccountCell(who, { connected: true, owner: 'active', otherwise: 'pending' }, (actor) =>
          actor.request('POST', '/api/payments/payout-account/sandbox-onboarding', {}),
        ),
    },
    {
      route: 'GET /api/payments/earnings',
      owner: 'the seller of a completed sale',
      expected: { anonymous: 401, owner: 200, other: 200 },
      async run(who) {
        const { seller, buyer, order } = await openOrder();
        await knownToPayments(order.id);
        await buyer.request('POST', '/api/payments', { orderId: order.id, paymentMethod: 'pm_card_visa' });
        await eventually(
          async () => (await seller.request('GET', '/api/payments/earnings')).body.earnings.length === 1,
        );
        const res = await (await actorFor(who, seller)).request('GET', '/api/payments/earnings');
        if (res.status !== 200) return { status: res.status };
        const seen = (res.body.earnings as { orderId: string }[]).map((e) => e.orderId);
        const want = who === 'owner' ? [order.id] : [];
        return {
          status: res.status,
          problem: JSON.stringify(seen) === JSON.stringify(want) ? undefined : `saw ${seen}`,
        };
      },
    },
    {
      route: 'POST /api/payments/webhook (signed)',
      owner: 'Stripe (signature, not session)',
      expected: { anonymous: 200, owner: 200, other: 200 },
      async run(who) {
        const { payload, signature } = signedEvent('customer.created');
        return webhook(await actorFor(who, await user()), signature, payload);
      },
    },
    {
      route: 'POST /api/payments/webhook (unsigned)',
      owner: 'Stripe (signature, not session)',
      expected: { anonymous: 400, owner: 400, other: 400 },
      async run(who) {
        const { payload } = signedEvent('payment_intent.succeeded');
        return webhook(await actorFor(who, await user()), undefined, payload);
      },
    },
  ];

  it.each(rows.map((row) => [row.route, row] as const))(
    '%s',
    async (_route, row) => {
      const actual: Partial<Record<Who, Outcome>> = {};
      results.push({ row, actual });
      await Promise.all(
        WHO.map(async (who) => {
          actual[who] = await row.run(who);
        }),
      );
      expect(WHO.map((who) => [who, actual[who]!.status, actual[who]!.problem])).toEqual(
        WHO.map((who) => [who, row.expected[who], undefined]),
      );
    },
    60_000,
  );
});
