import request from 'supertest';
import { aSeller, createTicketAs, startTicketsUnderTest, type TicketsUnderTest } from '../testing/tickets-under-test';

// GET /api/tickets keeps its first pages for a moment and answers conditional GETs.
let service: TicketsUnderTest;
beforeAll(async () => {
  service = await startTicketsUnderTest({ relay: false, listeners: false });
});
afterAll(() => service.stop());

const app = () => service.app;
const list = (etag?: string) => {
  const req = request(app()).get('/api/tickets');
  if (etag) req.set('If-None-Match', etag);
  return req;
};

describe('GET /api/tickets, cached first page', () => {
  it('shows a ticket changed by this process in the very next list, though the page before it was cached', async () => {
    const seller = aSeller();
    await list().expect(200);
    const created = await createTicketAs(app(), seller.cookie);
    expect((await list().expect(200)).body.tickets[0]).toEqual(created);

    await request(app()).delete(`/api/tickets/${created.id}`).set('Cookie', seller.cookie).expect(204);
    expect((await list().expect(200)).body.tickets.map((t: { id: string }) => t.id)).not.toContain(created.id);
  });

  it('answers 304 with no body to the ETag of the current page, and 200 with a new ETag once it changed', async () => {
    const seller = aSeller();
    await createTicketAs(app(), seller.cookie);
    const first = await list().expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await list(etag).expect(304);
    expect(again.text).toBeFalsy();

    await createTicketAs(app(), seller.cookie);
    const changed = await list(etag).expect(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.tickets).toHaveLength(first.body.tickets.length + 1);
  });

  it('answers 304 on a later page too, which is not cached', async () => {
    const seller = aSeller();
    for (let i = 0; i < 3; i += 1) await createTicketAs(app(), seller.cookie);
    const first = await request(app()).get('/api/tickets').query({ limit: 2 }).expect(200);
    const page = () => request(app()).get('/api/tickets').query({ limit: 2, cursor: first.body.nextCursor });
    const second = await page().expect(200);
    await page().set('If-None-Match', second.headers.etag).expect(304);
  });
});
