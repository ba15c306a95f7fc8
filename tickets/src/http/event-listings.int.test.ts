import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  aSeller,
  createTicketAs,
  eventStart,
  inAYear,
  useTicketsWithoutBus,
  uniqueTitle,
} from '../testing/tickets-under-test';

// Listings belong to an event (DESIGN.md, Additions December 2026): venue, startsAt, seat; the list's sorts,
// date filter and search; an event that has started leaves the list.
const { app, pool } = useTicketsWithoutBus();
const list = (query: Record<string, string | number>) => request(app()).get('/api/tickets').query(query);
const ids = (res: request.Response) => res.body.tickets.map((t: { id: string }) => t.id);

/** Every page of a listing, following nextCursor. */
async function walk(query: Record<string, string | number>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await list(cursor ? { ...query, cursor } : query).expect(200);
    seen.push(...ids(res));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

/** Moves an event into the past, as time would; the API refuses to create one there. */
const startedAgo = (ticketId: string, minutes: number) =>
  pool().query("UPDATE tickets SET starts_at = now() - $2 * interval '1 minute' WHERE id = $1", [ticketId, minutes]);

describe('event details on a ticket', () => {
  it('creates a ticket with venue, start and seat, and answers the start in the offset the seller gave', async () => {
    const { cookie } = aSeller();
    const startsAt = eventStart(30, '-05:30');
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', cookie)
      .send({ title: uniqueTitle(), price: 40, venue: '  Café de la Danse ', startsAt, seat: 'Row F, seat 12' })
      .expect(201);
    expect(res.body).toEqual(
      expect.objectContaining({ venue: 'Café de la Danse', startsAt, seat: 'Row F, seat 12', status: 'available' }),
    );
    const { rows } = await pool().query('SELECT starts_at FROM tickets WHERE id = $1', [res.body.id]);
    expect(rows[0].starts_at.toISOString()).toBe(new Date(startsAt).toISOString());
    expect((await request(app()).get(`/api/tickets/${res.body.id}`).expect(200)).body).toEqual(res.body);
  });

  it('keeps a UTC start as Z and shows null for details a seller left out', async () => {
    const { cookie } = aSeller();
    const withZ = await createTicketAs(app(), cookie, { startsAt: eventStart(3, 'Z') });
    expect(withZ.startsAt).toBe(eventStart(3, 'Z'));
    const bare = await createTicketAs(app(), cookie);
    expect(bare).toEqual(expect.objectContaining({ venue: null, startsAt: null, seat: null }));
  });

  it.each([
    [{ venue: '' }, 'venue', 'Venue must not be empty'],
    [{ venue: '   ' }, 'venue', 'Venue must not be empty'],
    [{ venue: 'v'.repeat(121) }, 'venue', 'Venue must be at most 120 characters'],
    [{ venue: 42 }, 'venue', 'Venue must be a string'],
    [{ venue: 'Hall\u0000A' }, 'venue', 'Venue must not contain control characters'],
    [{ seat: 's'.repeat(61) }, 'seat', 'Seat must be at most 60 characters'],
    [{ seat: 'Row\u0007' }, 'seat', 'Seat must not contain control characters'],
    [{ startsAt: '2031-05-01T20:00:00' }, 'startsAt', expect.stringContaining('with an offset')],
    [{ startsAt: '2031-05-01' }, 'startsAt', expect.stringContaining('with an offset')],
    [{ startsAt: 'next friday' }, 'startsAt', expect.stringContaining('with an offset')],
    [{ startsAt: '2031-02-30T20:00:00Z' }, 'startsAt', expect.stringContaining('with an offset')],
    [{ startsAt: 1893456000000 }, 'startsAt', 'Start must be a date-time'],
    [{ startsAt: eventStart(-1) }, 'startsAt', 'Start must be in the future'],
  ])('rejects %j with 400 and the message for %s, storing nothing', async (details, field, message) => {
    const before = (await pool().query('SELECT count(*)::int AS n FROM tickets')).rows[0].n;
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', aSeller().cookie)
      .send({ title: uniqueTitle(), price: 10, ...details })
      .expect(400);
    expect(res.body).toEqual({ errors: [{ field, message }] });
    expect((await pool().query('SELECT count(*)::int AS n FROM tickets')).rows[0].n).toBe(before);
  });

  it('reports every invalid field at once', async () => {
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', aSeller().cookie)
      .send({ title: '', price: 0, venue: '', startsAt: 'soon', seat: 's'.repeat(61) })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'price',
      'seat',
      'startsAt',
      'title',
      'venue',
    ]);
  });

  it('lets the seller change the details; a field the edit leaves out stays, null clears it', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie, { venue: 'Paradiso', startsAt: inAYear(), seat: 'A1' });
    const startsAt = eventStart(100, '+09:00');
    const moved = await request(app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', seller.cookie)
      .send({ title: ticket.title, price: 30, startsAt, seat: null })
      .expect(200);
    expect(moved.body).toEqual({ ...ticket, price: 30, startsAt, seat: null, version: 1 });
  });

  it('refuses to move an event into the past on edit', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie, { startsAt: inAYear() });
    const res = await request(app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', seller.cookie)
      .send({ title: ticket.title, price: 30, startsAt: eventStart(-2) })
      .expect(400);
    expect(res.body).toEqual({ errors: [{ field: 'startsAt', message: 'Start must be in the future' }] });
    expect((await request(app()).get(`/api/tickets/${ticket.id}`).expect(200)).body).toEqual(ticket);
  });
});

describe('GET /api/tickets for events', () => {
  it('leaves out a ticket whose event has started, still showing it by id', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const started = await createTicketAs(app(), seller, { title: `Gig ${token} started`, startsAt: eventStart(1) });
    const upcoming = await createTicketAs(app(), seller, { title: `Gig ${token} upcoming`, startsAt: eventStart(1) });
    const undated = await createTicketAs(app(), seller, { title: `Gig ${token} undated` });
    await startedAgo(started.id, 1);
    expect(ids(await list({ q: token }).expect(200))).toEqual([undated.id, upcoming.id]);
    expect(ids(await list({ q: token, sort: 'startsAt' }).expect(200))).toEqual([upcoming.id, undated.id]);
    await request(app()).get(`/api/tickets/${started.id}`).expect(200);
  });

  it('refuses with 409 an edit that would keep a started event on sale, and takes one that gives a new start', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const ticket = await createTicketAs(app(), seller, { title: `Gig ${token} postponed`, startsAt: eventStart(1) });
    await startedAgo(ticket.id, 1);
    const edit = (body: object) =>
      request(app())
        .put(`/api/tickets/${ticket.id}`)
        .set('Cookie', seller)
        .send({ title: `Gig ${token} postponed`, price: ticket.price + 7, ...body });
    for (const body of [{}, { startsAt: null }]) {
      const res = await edit(body).expect(409);
      expect(res.body).toEqual({
        errors: [{ message: 'Event has already started: give it a new start if it was postponed' }],
      });
    }
    expect((await request(app()).get(`/api/tickets/${ticket.id}`).expect(200)).body.price).toBe(ticket.price);
    expect(ids(await list({ q: token }).expect(200))).toEqual([]);
    await edit({ startsAt: eventStart(2) }).expect(200);
    expect(ids(await list({ q: token }).expect(200))).toEqual([ticket.id]);
  });

  it('sorts by start, soonest first, tickets without a start last, and pages through that order with the cursor', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const make = (name: string, startsAt: string | null) =>
      createTicketAs(app(), seller, { title: `Show ${token} ${name}`, startsAt });
    const later = await make('later', eventStart(20, '+02:00'));
    const undatedA = await make('undated a', null);
    const soon = await make('soon', eventStart(2, '-07:00'));
    const undatedB = await make('undated b', null);
    const middle = await make('middle', eventStart(10, 'Z'));
    // The same instant written in two offsets: the tie is broken by id.
    const sameA = await make('same a', '2040-01-01T12:00:00+01:00');
    const sameB = await make('same b', '2040-01-01T11:00:00Z');
    const ties = [sameA.id, sameB.id].sort();
    const undated = [undatedA.id, undatedB.id].sort();
    const expected = [soon.id, middle.id, later.id, ...ties, ...undated];
    expect(ids(await list({ q: token, sort: 'startsAt' }).expect(200))).toEqual(expected);
    for (const limit of [1, 2, 3]) expect(await walk({ q: token, sort: 'startsAt', limit })).toEqual(expected);
  });

  it('sorts by price, cheapest first, ties by id, and pages through that order with the cursor', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const make = (price: number) => createTicketAs(app(), seller, { title: `Match ${token} ${price}`, price });
    const fifty = await make(50);
    const five = await make(5);
    const tenA = await make(10);
    const thousand = await make(1000);
    const tenB = await make(10);
    const expected = [five.id, ...[tenA.id, tenB.id].sort(), fifty.id, thousand.id];
    expect(ids(await list({ q: token, sort: 'price' }).expect(200))).toEqual(expected);
    for (const limit of [1, 2]) expect(await walk({ q: token, sort: 'price', limit })).toEqual(expected);
  });

  it('filters on the start with from and to, both inclusive, and leaves out tickets without a start', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const make = (startsAt: string | null) => createTicketAs(app(), seller, { title: `Fest ${token}`, startsAt });
    const june1 = await make('2040-06-01T20:00:00+02:00');
    const june15 = await make('2040-06-15T20:00:00+02:00');
    const july1 = await make('2040-07-01T20:00:00+02:00');
    await make(null);
    const filtered = (query: Record<string, string>) => list({ q: token, sort: 'startsAt', ...query }).expect(200);
    expect(ids(await filtered({ from: '2040-06-01T18:00:00Z', to: '2040-06-15T18:00:00Z' }))).toEqual([
      june1.id,
      june15.id,
    ]);
    expect(ids(await filtered({ from: '2040-06-02T00:00:00+02:00' }))).toEqual([june15.id, july1.id]);
    // 08:00 at -10:00 is the instant of june15 (20:00 at +02:00).
    expect(ids(await filtered({ to: '2040-06-15T08:00:00-10:00' }))).toEqual([june1.id, june15.id]);
    expect(ids(await filtered({ to: '2040-06-15T07:59:59-10:00' }))).toEqual([june1.id]);
  });

  it('searches title and venue ignoring accents and case, and never across the two', async () => {
    const token = randomUUID().slice(0, 8);
    const seller = aSeller().cookie;
    const byVenue = await createTicketAs(app(), seller, { title: `Jazz ${token}`, venue: `Café de la Danse ${token}` });
    const byTitle = await createTicketAs(app(), seller, { title: `Ópera Garnier ${token}`, venue: 'Palais' });
    const search = async (q: string) => ids(await list({ q }).expect(200)).sort();
    expect(await search(`cafe de la danse ${token}`)).toEqual([byVenue.id]);
    expect(await search(`CAFÉ DE LA DANSE ${token.toUpperCase()}`)).toEqual([byVenue.id]);
    expect(await search(`opera garnier ${token}`)).toEqual([byTitle.id]);
    expect(await search(`OPÉRA GARNIER ${token.toUpperCase()}`)).toEqual([byTitle.id]);
    expect(await search(token)).toEqual([byVenue.id, byTitle.id].sort());
    expect(await search(`${token} palais`)).toEqual([]);
  });

  it.each([
    [{ sort: 'cheapest' }, 'sort'],
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2040-06-01T20:00:00' }, 'from'],
    [{ to: '2040-06-01' }, 'to'],
    [{ from: '2040-06-02T00:00:00Z', to: '2040-06-01T00:00:00Z' }, 'to'],
  ])('rejects %j with 400 naming %s', async (query, field) => {
    const res = await list(query).expect(400);
    expect(res.body).toEqual({ errors: [{ field, message: expect.any(String) }] });
  });

  it.each([
    ['a price past the 32-bit integers PostgreSQL compares it as', 'price', 2 ** 31],
    ['a negative price past them', 'price', -(2 ** 31) - 1],
  ])('refuses a forged cursor holding %s with 400, not 500', async (_, sort, key) => {
    const cursor = Buffer.from(JSON.stringify([sort, key, randomUUID()])).toString('base64url');
    const res = await list({ sort, cursor }).expect(400);
    expect(res.body).toEqual({ errors: [{ field: 'cursor', message: 'Cursor is invalid' }] });
  });

  it('refuses a cursor from another order of the list', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    for (let i = 0; i < 2; i += 1) await createTicketAs(app(), seller, { title: `Cup ${token}`, startsAt: inAYear() });
    const { nextCursor } = (await list({ q: token, sort: 'price', limit: 1 }).expect(200)).body;
    const res = await list({ q: token, sort: 'startsAt', limit: 1, cursor: nextCursor }).expect(400);
    expect(res.body).toEqual({ errors: [{ field: 'cursor', message: 'Cursor is invalid' }] });
    await list({ q: token, limit: 1, cursor: nextCursor }).expect(400);
  });
});
