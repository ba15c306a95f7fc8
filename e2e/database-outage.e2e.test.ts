import { ApiClient, eventually, serviceNames, stackSuite } from '@microtick/devstack';

/**
 * PostgreSQL stops under the running stack (every service's database is on the one server, as in
 * `make up`): each request that needs it answers 503 in the error shape with Retry-After, never a 500,
 * and the stack serves again once PostgreSQL is back, with no service restarted or crashed (their pools
 * open new connections, which prepare their statements afresh).
 */
describe('PostgreSQL goes away and comes back', () => {
  // Durable: a throwaway stack commits without waiting for the WAL, so a killed server loses its last commits.
  const suite = stackSuite({ durable: true });

  it('answers 503 with Retry-After while it is down, and takes orders again once it is back', async () => {
    const { stack } = suite;
    const seller = await new ApiClient(stack.url).signUp();
    const buyer = await new ApiClient(stack.url).signUp();
    const listed = await seller.request('POST', '/api/tickets', {
      title: 'The outage gig',
      price: 25,
      venue: 'The Hall',
      startsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      seat: 'Row A, seat 1',
    });
    expect(listed.status).toBe(201);
    const ticketId: string = listed.body.id;

    const pids = serviceNames.map((service) => stack.pid(service));
    await stack.kill('postgres');
    try {
      const answers = {
        'list a ticket': await seller.request('POST', '/api/tickets', { title: 'Another gig', price: 10 }),
        'order a ticket': await buyer.request('POST', '/api/orders', { ticketId }),
        'my orders': await buyer.request('GET', '/api/orders'),
        'my listings': await seller.request('GET', '/api/tickets/mine'),
        'sign in': await new ApiClient(stack.url).request('POST', '/api/users/signin', {
          email: buyer.email,
          password: 'a good long password',
        }),
      };
      for (const [what, answer] of Object.entries(answers)) {
        expect({
          what,
          status: answer.status,
          body: answer.body,
          retryAfter: answer.headers.get('retry-after'),
        }).toEqual({
          what,
          status: 503,
          body: { errors: [{ message: 'Service unavailable, try again shortly' }] },
          retryAfter: '5',
        });
      }
    } finally {
      await stack.start('postgres');
    }

    const order = await eventually(async () => {
      const answer = await buyer.request('POST', '/api/orders', { ticketId });
      return answer.status === 201 ? answer : undefined;
    }, 20_000);
    expect(order.body.ticket.id).toBe(ticketId);
    // No service died of it (a connection lost under a transaction once crashed one).
    expect(serviceNames.map((service) => stack.pid(service))).toEqual(pids);
  });
});
