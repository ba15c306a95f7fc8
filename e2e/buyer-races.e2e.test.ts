import pg from 'pg';
import { ApiClient, eventually, startTestStack } from '@microtick/devstack';

/**
 * Two races decided in different services, each run many times on the whole stack: a buyer cancelling
 * while their own payment is in flight (orders decides the cancel, payments the charge), and a seller
 * withdrawing a ticket while a buyer orders it (tickets decides the withdrawal, orders the order).
 */
describe('races between a buyer and a seller or the buyer themself', () => {
  const ROUNDS = 12;
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let payments: pg.Client;
  let orders: pg.Client;
  beforeAll(async () => {
    stack = await startTestStack();
    payments = new pg.Client({ connectionString: stack.databaseUrl('payments') });
    orders = new pg.Client({ connectionString: stack.databaseUrl('orders') });
    await Promise.all([payments.connect(), orders.connect()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([payments?.end(), orders?.end()]);
    await stack?.cleanup();
  }, 60_000);

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function listedTicket(seller: ApiClient, title: string): Promise<string> {
    const res = await seller.request('POST', '/api/tickets', { title, price: 20 });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  /** Orders until the orders replica knows the ticket (404 until then). */
  async function placeOrder(buyer: ApiClient, ticketId: string) {
    return eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId });
      return res.status !== 404 && res;
    });
  }

  /** Pays, trying again while payments cannot take the order yet (404), for up to two seconds. */
  async function payWithin2s(buyer: ApiClient, orderId: string) {
    const deadline = Date.now() + 2000;
    for (;;) {
      const res = await buyer.request('POST', '/api/payments', { orderId, paymentMethod: 'pm_card_visa' });
      if (res.status !== 404 || Date.now() > deadline) return res;
      await sleep(50);
    }
  }

  async function settledOrder(buyer: ApiClient, orderId: string) {
    // The order leaves `created` on the bus; a little longer shows it does not change again.
    const status = await eventually(async () => {
      const res = await buyer.request('GET', `/api/orders/${orderId}`);
      return res.body.status !== 'created' && (res.body.status as string);
    }, 10_000);
    await sleep(300);
    expect((await buyer.request('GET', `/api/orders/${orderId}`)).body.status).toBe(status);
    return status;
  }

  /** The order's charges in payments once none is waiting for its refund any more. */
  async function settledCharges(orderId: string) {
    return eventually(async () => {
      const { rows } = await payments.query<{ status: string; provider_refund_id: string | null }>(
        'SELECT status, provider_refund_id FROM payments WHERE order_id = $1',
        [orderId],
      );
      return !rows.some((c) => c.status === 'refund_pending') && rows;
    }, 10_000);
  }

  it(`settles a buyer's cancel racing their own payment one way: paid and complete, or cancelled with any charge refunded (${ROUNDS} races)`, async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const buyer = await new ApiClient(stack.url).signUp();
      const ticketId = await listedTicket(seller, `Cancel race ${round}`);
      const order = (await placeOrder(buyer, ticketId)).body as { id: string };
      await eventually(
        async () => (await payments.query('SELECT 1 FROM orders WHERE id = $1 AND ticket_held', [order.id])).rowCount,
      );
      // Half the rounds give the payment a head start of a few milliseconds, so both orders of arrival occur.
      const [paid, cancelled] = await Promise.all([
        buyer.request('POST', '/api/payments', { orderId: order.id, paymentMethod: 'pm_card_visa' }),
        sleep(round % 2 ? 5 : 0).then(() => buyer.request('DELETE', `/api/orders/${order.id}`)),
      ]);
      const status = await settledOrder(buyer, order.id);
      const ticket = await eventually(async () => {
        const res = await seller.request('GET', `/api/tickets/${ticketId}`);
        const expected = status === 'complete' ? 'sold' : 'available';
        return res.body.status === expected && (res.body.status as string);
      }, 10_000).catch(async () => (await seller.request('GET', `/api/tickets/${ticketId}`)).body.status as string);
      const charges = await settledCharges(order.id);
      const kept = charges.filter((c) => c.status === 'succeeded').length;
      const refunded = charges.filter((c) => c.status === 'refunded' && c.provider_refund_id).length;
      outcomes.push(
        `pay ${paid.status}, cancel ${cancelled.status}, order ${status}, ticket ${ticket}, charges kept ${kept} refunded ${refunded}`,
      );
      const seen = { round, pay: paid.status, cancel: cancelled.status, status, ticket, kept, refunded };
      if (status === 'complete') {
        expect(seen).toEqual({ round, pay: 201, cancel: 409, status, ticket: 'sold', kept: 1, refunded: 0 });
      } else {
        // The cancel won: a payment answered 409 may have charged and refunded already; one answered 201
        // was recorded before payments heard of the cancel and is refunded when it does (DESIGN.md).
        expect(seen).toEqual({
          round,
          pay: paid.status === 201 ? 201 : 409,
          cancel: 204,
          status: 'cancelled',
          ticket: 'available',
          kept: 0,
          refunded: paid.status === 201 ? 1 : charges.length,
        });
        expect(charges).toHaveLength(refunded);
      }
    }
    console.log(`cancel vs pay: ${outcomes.join('; ')}`);
  }, 180_000);

  it(`never lets a buyer pay for a ticket its seller withdrew (${ROUNDS} races)`, async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const buyer = await new ApiClient(stack.url).signUp();
      const ticketId = await listedTicket(seller, `Withdraw race ${round}`);
      await eventually(async () => (await orders.query('SELECT 1 FROM tickets WHERE id = $1', [ticketId])).rowCount);
      const [withdrawn, ordered] = await Promise.all([
        sleep(round % 2 ? 60 : 0).then(() => seller.request('DELETE', `/api/tickets/${ticketId}`)),
        buyer.request('POST', '/api/orders', { ticketId }),
      ]);
      const paid = ordered.status === 201 ? await payWithin2s(buyer, ordered.body.id) : undefined;
      outcomes.push(`withdraw ${withdrawn.status}, order ${ordered.status}, pay ${paid?.status ?? '-'}`);
      if (withdrawn.status === 204) expect({ round, pay: paid?.status }).not.toEqual({ round, pay: 201 });
      if (paid?.status === 201) {
        expect({ round, withdraw: withdrawn.status }).toEqual({ round, withdraw: 409 });
        await eventually(async () => (await seller.request('GET', `/api/tickets/${ticketId}`)).body.status === 'sold');
      }
    }
    console.log(`withdraw vs order: ${outcomes.join('; ')}`);
  }, 120_000);
});
