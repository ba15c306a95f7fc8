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
});
