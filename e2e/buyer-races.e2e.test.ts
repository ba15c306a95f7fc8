import pg from 'pg';
import { ApiClient, eventually, startTestStack } from '@microtick/devstack';

/**
 * Two races decided in different services, each run many times on the whole stack: a buyer cancelling
 * while their own payment is in flight (payments, the payment window's one judge, decides both), and a
 * seller withdrawing a ticket while a buyer orders it (tickets decides the withdrawal, orders the order).
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

  /**
   * Where an order ended up once every service has heard of it: its status, its ticket's status, and its
   * charges kept and refunded (after payments has seen the order's last status and settled any refund).
   */
  async function settled(buyer: ApiClient, seller: ApiClient, orderId: string, ticketId: string) {
    const status = await settledOrder(buyer, orderId);
    const ticketStatus = async () => (await seller.request('GET', `/api/tickets/${ticketId}`)).body.status as string;
    const ticket = await eventually(async () => {
      const now = await ticketStatus();
      return now === (status === 'complete' ? 'sold' : 'available') && now;
    }, 10_000).catch(ticketStatus);
    const charges = await eventually(async () => {
      const replica = await payments.query('SELECT 1 FROM orders WHERE id = $1 AND status = $2', [orderId, status]);
      const { rows } = await payments.query<{ status: string; provider_refund_id: string | null }>(
        'SELECT status, provider_refund_id FROM payments WHERE order_id = $1',
        [orderId],
      );
      return replica.rowCount === 1 && !rows.some((c) => c.status === 'refund_pending') && rows;
    }, 10_000);
    const kept = charges.filter((c) => c.status === 'succeeded').length;
    const refunded = charges.filter((c) => c.status === 'refunded' && c.provider_refund_id).length;
    return { status, ticket, charges: charges.length, kept, refunded };
  }

  /**
   * The payment won (201, the cancel 409, the order complete, its ticket sold, one charge kept), or the
   * cancel won (204, the order cancelled, its ticket available, the payment answered 409 and no charge
   * kept). A payment answered 201 always wins (DESIGN.md: it always ends with the order complete).
   */
  function expectOneWinner(
    pay: number,
    cancel: number,
    outcome: Awaited<ReturnType<typeof settled>>,
    round: number | string,
  ) {
    const seen = { round, pay, cancel, ...outcome };
    if (pay === 201 || outcome.status === 'complete') {
      expect(seen).toEqual({
        ...seen,
        pay: 201,
        cancel: 409,
        status: 'complete',
        ticket: 'sold',
        charges: 1,
        kept: 1,
        refunded: 0,
      });
    } else {
      expect(seen).toEqual({
        ...seen,
        pay: 409,
        cancel: 204,
        status: 'cancelled',
        ticket: 'available',
        kept: 0,
        refunded: outcome.charges,
      });
    }
  }

  async function payableOrder(buyer: ApiClient, seller: ApiClient, title: string) {
    const ticketId = await listedTicket(seller, title);
    const order = (await placeOrder(buyer, ticketId)).body as { id: string };
    await eventually(
      async () => (await payments.query('SELECT 1 FROM orders WHERE id = $1 AND ticket_held', [order.id])).rowCount,
    );
    return { orderId: order.id, ticketId };
  }

  it(`settles a buyer's cancel racing their own payment one way or the other (${ROUNDS} races)`, async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const buyer = await new ApiClient(stack.url).signUp();
      const { orderId, ticketId } = await payableOrder(buyer, seller, `Cancel race ${round}`);
      // The cancel is sent with the payment, a few milliseconds after it, or as soon as the payment is
      // answered (while payment.created may still be on its way to orders).
      const paying = buyer.request('POST', '/api/payments', { orderId, paymentMethod: 'pm_card_visa' });
      const cancelAfter = [sleep(0), sleep(5), paying][round % 3];
      const [paid, cancelled] = await Promise.all([
        paying,
        cancelAfter.then(() => buyer.request('DELETE', `/api/orders/${orderId}`)),
      ]);
      const outcome = await settled(buyer, seller, orderId, ticketId);
      outcomes.push(`pay ${paid.status}, cancel ${cancelled.status}, ${JSON.stringify(outcome)}`);
      expectOneWinner(paid.status, cancelled.status, outcome, round);
    }
    console.log(`cancel vs pay: ${outcomes.join('; ')}`);
  }, 180_000);

  it('keeps a payment answered 201 whose buyer cancelled with the bus down: the cancel waits, then loses', async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const buyer = await new ApiClient(stack.url).signUp();
    const { orderId, ticketId } = await payableOrder(buyer, seller, 'Cancel after paying');
    // With the bus down, payment.created waits in payments' outbox and the cancellation request in
    // orders': the cancel cannot get payments' verdict and says so (503); its request is judged later.
    await stack.kill('nats');
    let paid: number, cancelled: number;
    try {
      paid = (await buyer.request('POST', '/api/payments', { orderId, paymentMethod: 'pm_card_visa' })).status;
      cancelled = (await buyer.request('DELETE', `/api/orders/${orderId}`)).status;
    } finally {
      await stack.start('nats');
    }
    const outcome = await settled(buyer, seller, orderId, ticketId);
    expect({ paid, cancelled, status: outcome.status }).toEqual({ paid: 201, cancelled: 503, status: 'complete' });
    expectOneWinner(paid, 409, outcome, 'bus down');
  }, 120_000);

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
      if (withdrawn.status === 204) {
        expect({ round, pay: paid?.status }).not.toEqual({ round, pay: 201 });
        // An order placed before orders heard of the withdrawal is cancelled, not left unpayable until it expires.
        if (ordered.status === 201) {
          const status = await settledOrder(buyer, ordered.body.id);
          const { cancelReason } = (await buyer.request('GET', `/api/orders/${ordered.body.id}`)).body;
          expect({ round, order: status, cancelReason }).toEqual({
            round,
            order: 'cancelled',
            cancelReason: 'withdrawn',
          });
        }
      }
      if (paid?.status === 201) {
        expect({ round, withdraw: withdrawn.status }).toEqual({ round, withdraw: 409 });
        await eventually(async () => (await seller.request('GET', `/api/tickets/${ticketId}`)).body.status === 'sold');
      }
    }
    console.log(`withdraw vs order: ${outcomes.join('; ')}`);
  }, 120_000);
});
