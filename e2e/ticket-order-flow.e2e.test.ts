import { ApiClient, stackSuite, eventually } from '@microtick/devstack';

/**
 * Issue 4's end-to-end flow over real NATS across auth, tickets and orders, through the gateway; with
 * payments, which judges the buyer's cancel as it judges an expiry.
 */
describe('list → order → reserved → cancel → available → someone else orders', () => {
  const suite = stackSuite({ services: ['auth', 'tickets', 'orders', 'payments'] });

  it('holds the ticket for the buyer, frees it on cancel, and lets another buyer order it', async () => {
    const seller = await new ApiClient(suite.stack.url).signUp();
    const buyer = await new ApiClient(suite.stack.url).signUp();
    const other = await new ApiClient(suite.stack.url).signUp();

    const created = await seller.request('POST', '/api/tickets', { title: 'Jazz at the Lake', price: 45.5 });
    expect(created.status).toBe(201);
    const ticketId = created.body.id;

    const listed = await buyer.request('GET', '/api/tickets?q=jazz');
    expect(listed.body.tickets.map((t: { id: string }) => t.id)).toContain(ticketId);

    // The orders service learns about the ticket from ticket.created.
    const order = await eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId });
      return res.status === 201 && res.body;
    });
    expect(order).toEqual(
      expect.objectContaining({
        status: 'created',
        userId: buyer.id,
        ticket: expect.objectContaining({ id: ticketId, price: 45.5 }),
      }),
    );

    await eventually(
      async () => (await buyer.request('GET', `/api/tickets/${ticketId}`)).body.status === 'reserved',
      1000,
    );
    const reserved = await buyer.request('GET', `/api/tickets/${ticketId}`);
    expect(reserved.body).toEqual(expect.objectContaining({ status: 'reserved', orderId: order.id }));

    const taken = await other.request('POST', '/api/orders', { ticketId });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
    expect((await seller.request('PUT', `/api/tickets/${ticketId}`, { title: 'x', price: 1 })).status).toBe(409);

    expect((await buyer.request('DELETE', `/api/orders/${order.id}`)).status).toBe(204);
    await eventually(
      async () => (await buyer.request('GET', `/api/tickets/${ticketId}`)).body.status === 'available',
      2000,
    );
    expect((await buyer.request('GET', `/api/orders/${order.id}`)).body.status).toBe('cancelled');

    const second = await eventually(async () => {
      const res = await other.request('POST', '/api/orders', { ticketId });
      return res.status === 201 && res.body;
    });
    expect(second.userId).toBe(other.id);
    await eventually(
      async () => (await other.request('GET', `/api/tickets/${ticketId}`)).body.orderId === second.id,
      2000,
    );
  });
});
