import pg from 'pg';
import { ApiClient, eventually, stackSuite } from '@microtick/devstack';

/**
 * The payment window has one judge (payments): a payment answered 201 always ends with the order
 * complete and its ticket sold, and a payment refused as too late charged nothing, whatever the
 * timing against the deadline or an outage of the bus.
 */
describe('the payment window across all services', () => {
  const WINDOW_SECONDS = 4;
  const suite = stackSuite({ env: { ORDER_EXPIRATION_SECONDS: String(WINDOW_SECONDS) } });

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** A fresh seller's ticket ordered by a fresh buyer, once the payments replica knows the order. */
  async function openOrder(title: string) {
    const seller = await new ApiClient(suite.stack.url).signUp();
    const buyer = await new ApiClient(suite.stack.url).signUp();
    const ticket = (await seller.request('POST', '/api/tickets', { title, price: 12 })).body as { id: string };
    const order = await eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId: ticket.id });
      return res.status === 201 && (res.body as { id: string; expiresAt: string });
    });
    await eventually(() => inPaymentsReplica(order.id));
    return { buyer, ticketId: ticket.id, orderId: order.id, expiresAt: Date.parse(order.expiresAt) };
  }

  async function inPaymentsReplica(orderId: string): Promise<boolean> {
    const client = new pg.Client({ connectionString: suite.stack.databaseUrl('payments') });
    await client.connect();
    try {
      return (await client.query('SELECT 1 FROM orders WHERE id = $1 AND ticket_held', [orderId])).rowCount === 1;
    } finally {
      await client.end();
    }
  }

  async function chargesOf(orderId: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: suite.stack.databaseUrl('payments') });
    await client.connect();
    try {
      return (await client.query('SELECT status FROM payments WHERE order_id = $1', [orderId])).rows.map(
        (r) => r.status,
      );
    } finally {
      await client.end();
    }
  }

  type Paid = Awaited<ReturnType<typeof openOrder>> & { status: number; message?: string };

  /** Every 201 ends complete and sold; every refusal is "Order has expired", ends expired and charged nothing. */
  async function expectOneJudgement(payments: Paid[]) {
    for (const p of payments) {
      const settled = await eventually(async () => {
        const res = await p.buyer.request('GET', `/api/orders/${p.orderId}`);
        return res.body.status !== 'created' && res.body;
      }, 30_000);
      // Tickets learns the outcome from the bus after orders does: wait for it to settle too.
      const ticket = await eventually(async () => {
        const body = (await p.buyer.request('GET', `/api/tickets/${p.ticketId}`)).body;
        return (settled.status !== 'complete' || body.status === 'sold') && body;
      }, 30_000).catch(async () => (await p.buyer.request('GET', `/api/tickets/${p.ticketId}`)).body);
      const outcome = { answer: p.status, order: settled.status, ticket: ticket.status };
      if (p.status === 201) {
        expect(outcome).toEqual({ answer: 201, order: 'complete', ticket: 'sold' });
        expect(await chargesOf(p.orderId)).toEqual(['succeeded']);
      } else {
        expect({ ...outcome, message: p.message }).toEqual({
          answer: 409,
          message: 'Order has expired',
          order: 'cancelled',
          ticket: expect.any(String),
        });
        expect(settled.cancelReason).toBe('expired');
        expect(await chargesOf(p.orderId)).toEqual([]);
      }
    }
  }

  it('judges payments sent a few milliseconds either side of expiresAt once: 201 ends complete, 409 charges nothing', async () => {
    const paid: Paid[] = [];
    for (let round = 0; round < 3; round += 1) {
      const orders = await Promise.all(Array.from({ length: 12 }, (_, i) => openOrder(`Deadline ${round}-${i}`)));
      await Promise.all(
        orders.map(async (order, i) => {
          // Sent from 30 ms before the deadline to 3 ms after it, so some arrive just before and some just after.
          const payAt = order.expiresAt - 30 + i * 3;
          await sleep(Math.max(0, payAt - Date.now() - 20));
          while (Date.now() < payAt) await sleep(0);
          const res = await order.buyer.request('POST', '/api/payments', {
            orderId: order.orderId,
            paymentMethod: 'pm_card_visa',
          });
          paid.push({ ...order, status: res.status, message: res.body?.errors?.[0]?.message });
        }),
      );
    }
    const answers = paid.map((p) => p.status);
    console.log(
      `deadline race: ${answers.filter((s) => s === 201).length} × 201, ${answers.filter((s) => s === 409).length} × 409`,
    );
    expect(answers.every((s) => s === 201 || s === 409)).toBe(true);
    await expectOneJudgement(paid);
  }, 120_000);

  it('completes every order paid while NATS is down for longer than the consumers wait for an ack', async () => {
    const orders = await Promise.all([1, 2, 3].map((i) => openOrder(`Outage ${i}`)));
    await suite.stack.kill('nats', 'SIGKILL');
    const paid: Paid[] = [];
    try {
      for (const order of orders) {
        const res = await order.buyer.request('POST', '/api/payments', {
          orderId: order.orderId,
          paymentMethod: 'pm_card_visa',
        });
        paid.push({ ...order, status: res.status, message: res.body?.errors?.[0]?.message });
      }
      // Past every deadline and past the listeners' 10-second ack wait.
      await sleep(12_000);
    } finally {
      await suite.stack.start('nats');
    }
    expect(paid.map((p) => p.status)).toEqual([201, 201, 201]);
    await expectOneJudgement(paid);
  }, 120_000);
});
