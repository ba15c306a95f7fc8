import { ApiClient, stackSuite, eventually } from '@microtick/devstack';

/** Issue 5's full flows across every service, through the gateway, with the sandbox payment gateway. */
describe('buying and expiring across all services', () => {
  const WINDOW_SECONDS = 3;
  const suite = stackSuite({ env: { ORDER_EXPIRATION_SECONDS: String(WINDOW_SECONDS) } });

  async function listedTicket(seller: ApiClient, title: string) {
    const res = await seller.request('POST', '/api/tickets', { title, price: 30 });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  }

  async function order(buyer: ApiClient, ticketId: string) {
    return eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId });
      return res.status === 201 && (res.body as { id: string; expiresAt: string });
    });
  }

  it('sign up → sell → order → pay → the order completes and the ticket is sold', async () => {
    const seller = await new ApiClient(suite.stack.url).signUp();
    const buyer = await new ApiClient(suite.stack.url).signUp();
    const ticket = await listedTicket(seller, 'Opera night');
    const placed = await order(buyer, ticket.id);

    // The payments replica learns about the order from order.created: until then the order is a 404.
    const declined = await eventually(async () => {
      const res = await buyer.request('POST', '/api/payments', {
        orderId: placed.id,
        paymentMethod: 'pm_card_chargeDeclined',
      });
      return res.status !== 404 && res;
    });
    expect(declined.status).toBe(402);
    const paid = await eventually(async () => {
      const res = await buyer.request('POST', '/api/payments', { orderId: placed.id, paymentMethod: 'pm_card_visa' });
      return res.status === 201 && res.body;
    });
    expect(paid).toEqual(expect.objectContaining({ orderId: placed.id }));

    await eventually(
      async () => (await buyer.request('GET', `/api/orders/${placed.id}`)).body.status === 'complete',
      2000,
    );
    await eventually(
      async () => (await buyer.request('GET', `/api/tickets/${ticket.id}`)).body.status === 'sold',
      2000,
    );
    expect((await seller.request('PUT', `/api/tickets/${ticket.id}`, { title: 'Resold', price: 99 })).status).toBe(409);
    expect((await buyer.request('DELETE', `/api/orders/${placed.id}`)).status).toBe(409);
    const again = await buyer.request('POST', '/api/payments', { orderId: placed.id, paymentMethod: 'pm_card_visa' });
    expect(again.status).toBe(409);
    const listed = await buyer.request('GET', '/api/tickets');
    expect(listed.body.tickets.map((t: { id: string }) => t.id)).not.toContain(ticket.id);
  });

  it('order → no payment → expired (lateness is measured by make bench) → ticket available → another buyer orders it', async () => {
    const seller = await new ApiClient(suite.stack.url).signUp();
    const first = await new ApiClient(suite.stack.url).signUp();
    const second = await new ApiClient(suite.stack.url).signUp();
    const ticket = await listedTicket(seller, 'Late show');
    const placed = await order(first, ticket.id);

    await eventually(
      async () => (await first.request('GET', `/api/orders/${placed.id}`)).body.status === 'cancelled',
      (WINDOW_SECONDS + 5) * 1000,
    );
    await eventually(
      async () => (await second.request('GET', `/api/tickets/${ticket.id}`)).body.status === 'available',
      2000,
    );

    const late = await first.request('POST', '/api/payments', { orderId: placed.id, paymentMethod: 'pm_card_visa' });
    expect(late.status).toBe(409);
    const next = await order(second, ticket.id);
    expect(next.id).not.toBe(placed.id);
  });

  /** Orders and pays `ticketId` as `buyer`, and waits until the order completes. */
  async function buyAndPay(buyer: ApiClient, ticketId: string): Promise<string> {
    const placed = await order(buyer, ticketId);
    await eventually(async () => {
      const res = await buyer.request('POST', '/api/payments', { orderId: placed.id, paymentMethod: 'pm_card_visa' });
      return res.status === 201;
    });
    await eventually(async () => (await buyer.request('GET', `/api/orders/${placed.id}`)).body.status === 'complete');
    return placed.id;
  }

  const earningsOf = async (seller: ApiClient) => (await seller.request('GET', '/api/payments/earnings')).body;

  it('a sale pays its seller their share once (sandbox Connect): at once when connected, else once onboarding completes', async () => {
    const connected = await new ApiClient(suite.stack.url).signUp();
    expect((await connected.request('GET', '/api/payments/payout-account')).body).toEqual({ status: 'none' });
    const link = await connected.request('POST', '/api/payments/payout-account', {});
    expect(link.status).toBe(200);
    expect(new URL(link.body.url).pathname).toBe('/get-paid/sandbox-onboarding');
    expect((await connected.request('POST', '/api/payments/payout-account/sandbox-onboarding', {})).status).toBe(200);
    expect((await connected.request('GET', '/api/payments/payout-account')).body).toEqual({ status: 'active' });

    const buyer = await new ApiClient(suite.stack.url).signUp();
    const ticket = await listedTicket(connected, 'Cello recital');
    const orderId = await buyAndPay(buyer, ticket.id);
    const paid = await eventually(async () => {
      const body = await earningsOf(connected);
      return body.earnings[0]?.status === 'transferred' && body;
    });
    // $30.00 at the default 10% fee.
    expect(paid).toEqual({
      earnings: [expect.objectContaining({ orderId, ticketId: ticket.id, amount: 27, fee: 3, status: 'transferred' })],
      totals: { pending: 0, transferred: 27, reversed: 0 },
    });

    const later = await new ApiClient(suite.stack.url).signUp();
    const second = await listedTicket(later, 'Organ recital');
    await buyAndPay(buyer, second.id);
    const waiting = await eventually(async () => (await earningsOf(later)).earnings[0]);
    expect(waiting).toEqual(
      expect.objectContaining({ status: 'pending', pendingReason: expect.stringMatching(/payout account/) }),
    );
    await later.request('POST', '/api/payments/payout-account', {});
    await later.request('POST', '/api/payments/payout-account/sandbox-onboarding', {});
    await eventually(async () => (await earningsOf(later)).earnings[0]?.status === 'transferred');
    expect((await earningsOf(later)).totals).toEqual({ pending: 0, transferred: 27, reversed: 0 });
    expect((await new ApiClient(suite.stack.url).request('GET', '/api/payments/earnings')).status).toBe(401);
  });
});
