import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  aSeller,
  createTicketAs,
  holdByOrder,
  outboxEventsAbout,
  useTicketsWithoutBus,
} from '../testing/tickets-under-test';

// DELETE /api/tickets/:id (DESIGN.md, Additions December 2026).
const { app, pool } = useTicketsWithoutBus();
const withdraw = (id: string, cookie?: string) => {
  const req = request(app()).delete(`/api/tickets/${id}`);
  if (cookie) req.set('Cookie', cookie);
  return req;
};
describe('DELETE /api/tickets/:id', () => {
  it('withdraws the seller’s available ticket: 204, then 404 by id, gone from the list, withdrawn under their own', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    await withdraw(ticket.id, seller.cookie).expect(204);
    const shown = await request(app()).get(`/api/tickets/${ticket.id}`).expect(404);
    expect(shown.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
    const listed = await request(app()).get('/api/tickets').query({ q: ticket.title }).expect(200);
    expect(listed.body.tickets).toEqual([]);
    const mine = await request(app()).get('/api/tickets/mine').set('Cookie', seller.cookie).expect(200);
    expect(mine.body.tickets).toEqual([{ ...ticket, status: 'withdrawn', version: 1 }]);
    expect(await outboxEventsAbout(pool(), ticket.id)).toEqual([
      expect.objectContaining({ subject: 'ticket.created' }),
      {
        subject: 'ticket.updated',
        data: expect.objectContaining({ id: ticket.id, status: 'withdrawn', orderId: null, version: 1 }),
      },
    ]);
  });

  it('answers 404 to withdrawing or editing a withdrawn ticket again, and records nothing more', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    await withdraw(ticket.id, seller.cookie).expect(204);
    await withdraw(ticket.id, seller.cookie).expect(404);
    await withdraw(randomUUID(), seller.cookie).expect(404);
    await withdraw('not-a-uuid', seller.cookie).expect(404);
    await request(app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', seller.cookie)
      .send({ title: 'Back on sale', price: 10 })
      .expect(404);
    expect(await outboxEventsAbout(pool(), ticket.id)).toHaveLength(2);
  });

  it.each([
    ['reserved', 'Cannot withdraw a reserved ticket'],
    ['sold', 'Cannot withdraw a sold ticket'],
  ] as const)('refuses to withdraw a %s ticket with 409', async (status, message) => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    await holdByOrder(pool(), ticket.id, status);
    const res = await withdraw(ticket.id, seller.cookie).expect(409);
    expect(res.body).toEqual({ errors: [{ message }] });
    expect(await outboxEventsAbout(pool(), ticket.id)).toHaveLength(1);
  });

  it('lets only the seller withdraw: 403 for someone else, 401 signed out', async () => {
    const ticket = await createTicketAs(app(), aSeller().cookie);
    const res = await withdraw(ticket.id, aSeller().cookie).expect(403);
    expect(res.body).toEqual({ errors: [{ message: 'Only the seller can withdraw this ticket' }] });
    await withdraw(ticket.id).expect(401);
    await request(app()).get(`/api/tickets/${ticket.id}`).expect(200);
  });
});
