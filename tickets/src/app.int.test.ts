import { randomUUID } from 'node:crypto';
import {
  connectTestBus,
  testBusNamespace,
  testSessionEnv,
  testSessionVerifier,
  testLogger,
  testNatsUrl,
} from '@microtick/devstack';
import request from 'supertest';
import { buildApp } from './app';
import { readConfig } from './config';
import {
  aSeller,
  createTicketAs,
  holdByOrder,
  outboxEventsAbout,
  uniqueTitle,
  useTicketsWithoutBus,
} from './testing/tickets-under-test';

const { app, pool, databaseUrl } = useTicketsWithoutBus();

async function counts() {
  const { rows } = await pool().query(
    'SELECT (SELECT count(*)::int FROM tickets) AS tickets, (SELECT count(*)::int FROM outbox) AS events',
  );
  return rows[0];
}

describe('POST /api/tickets', () => {
  it('creates an available ticket for the seller, answers 201 with the price as a decimal, and records ticket.created with the price in cents', async () => {
    const { cookie, user } = aSeller();
    const title = uniqueTitle();
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', cookie)
      .send({ title: `  ${title} `, price: 19.99 })
      .expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      title,
      price: 19.99,
      userId: user.id,
      version: 0,
      status: 'available',
      orderId: null,
      venue: null,
      startsAt: null,
      seat: null,
    });
    const { rows } = await pool().query('SELECT price_cents FROM tickets WHERE id = $1', [res.body.id]);
    expect(rows[0].price_cents).toBe(1999);
    expect(await outboxEventsAbout(pool(), res.body.id)).toEqual([
      {
        subject: 'ticket.created',
        data: {
          id: res.body.id,
          title,
          price: 1999,
          userId: user.id,
          version: 0,
          venue: null,
          startsAt: null,
          seat: null,
        },
      },
    ]);
  });

  it('accepts the boundaries: a 200-character title, a price of 0.01 and of 1,000,000', async () => {
    const { cookie } = aSeller();
    await request(app())
      .post('/api/tickets')
      .set('Cookie', cookie)
      .send({ title: 'x'.repeat(200), price: 0.01 })
      .expect(201);
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', cookie)
      .send({ title: uniqueTitle(), price: 1_000_000 })
      .expect(201);
    expect(res.body.price).toBe(1_000_000);
  });

  it('rejects a signed-out request with 401 and creates nothing', async () => {
    const before = await counts();
    const res = await request(app()).post('/api/tickets').send({ title: uniqueTitle(), price: 10 }).expect(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not signed in' }] });
    expect(await counts()).toEqual(before);
  });

  it.each([
    [{ price: 10 }, 'title'],
    [{ title: '   ', price: 10 }, 'title'],
    [{ title: 'x'.repeat(201), price: 10 }, 'title'],
    [{ title: 42, price: 10 }, 'title'],
    [{ title: 'Gig' }, 'price'],
    [{ title: 'Gig', price: 0 }, 'price'],
    [{ title: 'Gig', price: -5 }, 'price'],
    [{ title: 'Gig', price: 1_000_000.01 }, 'price'],
    [{ title: 'Gig', price: 10.001 }, 'price'],
    [{ title: 'Gig', price: '10' }, 'price'],
    [{ title: 'Gig', price: null }, 'price'],
  ])('rejects %j with 400 naming the field %s, and creates nothing', async (body, field) => {
    const before = await counts();
    const res = await request(app()).post('/api/tickets').set('Cookie', aSeller().cookie).send(body).expect(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    expect(await counts()).toEqual(before);
  });

  it('explains a too-precise price', async () => {
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', aSeller().cookie)
      .send({ title: 'Gig', price: 1.234 })
      .expect(400);
    expect(res.body).toEqual({ errors: [{ field: 'price', message: 'Price can have at most two decimal places' }] });
  });

  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await request(app())
      .post('/api/tickets')
      .set('Cookie', aSeller().cookie)
      .set('Content-Type', 'application/json')
      .send('{"title":')
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });
});

describe('GET /api/tickets/:id', () => {
  it('shows any ticket to anyone, signed in or not', async () => {
    const ticket = await createTicketAs(app(), aSeller().cookie, { price: 40.5 });
    const res = await request(app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(res.body).toEqual(ticket);
    expect(res.body.price).toBe(40.5);
  });

  it('answers 404 for an unknown id and for a malformed one', async () => {
    const unknown = await request(app()).get(`/api/tickets/${randomUUID()}`).expect(404);
    expect(unknown.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
    const malformed = await request(app()).get('/api/tickets/not-a-uuid').expect(404);
    expect(malformed.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
  });
});

describe('GET /api/tickets/mine', () => {
  it('rejects a signed-out request with 401', async () => {
    const res = await request(app()).get('/api/tickets/mine').expect(401);
    expect(res.body).toEqual({ errors: [{ message: 'Not signed in' }] });
  });

  it("lists only the seller's own tickets, in any status, newest first", async () => {
    const seller = aSeller();
    const first = await createTicketAs(app(), seller.cookie);
    const second = await createTicketAs(app(), seller.cookie);
    const third = await createTicketAs(app(), seller.cookie);
    await createTicketAs(app(), aSeller().cookie);
    await holdByOrder(pool(), second.id, 'reserved');
    await holdByOrder(pool(), first.id, 'sold');
    const res = await request(app()).get('/api/tickets/mine').set('Cookie', seller.cookie).expect(200);
    expect(res.body.tickets.map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([
      [third.id, 'available'],
      [second.id, 'reserved'],
      [first.id, 'sold'],
    ]);
  });
});

describe('GET /api/tickets', () => {
  const list = (query: Record<string, string | number | string[]>) => request(app()).get('/api/tickets').query(query);

  it('lists only available tickets, newest first, in the ticket shape', async () => {
    const token = randomUUID();
    const seller = aSeller();
    const older = await createTicketAs(app(), seller.cookie, { title: `Opera ${token} a` });
    const reserved = await createTicketAs(app(), seller.cookie, { title: `Opera ${token} b` });
    const sold = await createTicketAs(app(), seller.cookie, { title: `Opera ${token} c` });
    const newer = await createTicketAs(app(), seller.cookie, { title: `Opera ${token} d` });
    await holdByOrder(pool(), reserved.id, 'reserved');
    await holdByOrder(pool(), sold.id, 'sold');
    const res = await list({ q: token }).expect(200);
    expect(res.body).toEqual({ tickets: [newer, older], nextCursor: null });
  });

  it('searches titles case-insensitively', async () => {
    const token = randomUUID().slice(0, 8);
    const match = await createTicketAs(app(), aSeller().cookie, { title: `The Rolling STONES-${token}` });
    await createTicketAs(app(), aSeller().cookie, { title: `The Beatles-${token}` });
    const res = await list({ q: `  rolling stones-${token.toUpperCase()} ` }).expect(200);
    expect(res.body.tickets.map((t: { id: string }) => t.id)).toEqual([match.id]);
  });

  it('treats %, _ and \\ in the search as plain characters', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    const percent = await createTicketAs(app(), seller, { title: `Sale 50% ${token}` });
    await createTicketAs(app(), seller, { title: `Sale 500 ${token}` });
    const underscore = await createTicketAs(app(), seller, { title: `${token} row_1` });
    await createTicketAs(app(), seller, { title: `${token} rowX1` });
    const backslash = await createTicketAs(app(), seller, { title: `${token} a\\b` });
    await createTicketAs(app(), seller, { title: `${token} ab` });
    const ids = async (q: string) => (await list({ q }).expect(200)).body.tickets.map((t: { id: string }) => t.id);
    expect(await ids(`50% ${token}`)).toEqual([percent.id]);
    expect(await ids(`${token} row_1`)).toEqual([underscore.id]);
    expect(await ids(`${token} a\\b`)).toEqual([backslash.id]);
  });

  it('pages through the results with an opaque cursor, each ticket once, and a null cursor on the last page', async () => {
    const token = randomUUID();
    const created = [];
    for (let i = 0; i < 5; i += 1)
      created.push(await createTicketAs(app(), aSeller().cookie, { title: `Festival ${token} ${i}` }));
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { q: token, limit: 2 };
      if (cursor) query.cursor = cursor;
      const res: request.Response = await list(query).expect(200);
      pageSizes.push(res.body.tickets.length);
      seen.push(...res.body.tickets.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(created.map((t) => t.id).reverse());
  });

  it('breaks ties between tickets created at the same instant by id, without skipping or repeating', async () => {
    const token = randomUUID();
    const tickets = [];
    for (let i = 0; i < 3; i += 1)
      tickets.push(await createTicketAs(app(), aSeller().cookie, { title: `Tie ${token} ${i}` }));
    await pool().query("UPDATE tickets SET created_at = '2030-01-01T00:00:00.123456Z' WHERE id = ANY($1::uuid[])", [
      tickets.map((t) => t.id),
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await list(cursor ? { q: token, limit: 1, cursor } : { q: token, limit: 1 }).expect(
        200,
      );
      seen.push(...res.body.tickets.map((t: { id: string }) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      tickets
        .map((t) => t.id)
        .sort()
        .reverse(),
    );
  });

  it('returns 20 tickets by default and a cursor when there are more', async () => {
    const token = randomUUID();
    const seller = aSeller().cookie;
    for (let i = 0; i < 21; i += 1) await createTicketAs(app(), seller, { title: `Match ${token} ${i}` });
    const res = await list({ q: token }).expect(200);
    expect(res.body.tickets).toHaveLength(20);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    const rest = await list({ q: token, cursor: res.body.nextCursor }).expect(200);
    expect(rest.body.tickets).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });

  it.each([['0'], ['101'], ['-1'], ['abc'], ['1.5'], [''], [['5', '6']]])(
    'rejects limit=%j with 400 naming limit',
    async (limit) => {
      const res = await list({ limit }).expect(400);
      expect(res.body).toEqual({ errors: [{ field: 'limit', message: 'Limit must be a whole number from 1 to 100' }] });
    },
  );

  it('accepts limit=100', async () => {
    await list({ limit: 100 }).expect(200);
  });

  it.each([
    ['not base64 json', 'garbage!'],
    ['an empty cursor', ''],
    ['the wrong shape', Buffer.from(JSON.stringify({ createdAtMicros: 1, id: 'x' })).toString('base64url')],
    ['a malformed id', Buffer.from(JSON.stringify([1, 'not-a-uuid'])).toString('base64url')],
    ['a negative time', Buffer.from(JSON.stringify([-1, randomUUID()])).toString('base64url')],
    ['a fractional time', Buffer.from(JSON.stringify([1.5, randomUUID()])).toString('base64url')],
    ['a time beyond the safe range', Buffer.from(`[1e300,"${randomUUID()}"]`).toString('base64url')],
  ])('rejects a cursor with %s with 400 naming cursor', async (_case, cursor) => {
    const res = await list({ cursor }).expect(400);
    expect(res.body).toEqual({ errors: [{ field: 'cursor', message: 'Cursor is invalid' }] });
  });

  it('rejects a repeated cursor or search, and a search over 200 characters, with 400 naming the field', async () => {
    expect((await list({ cursor: ['a', 'b'] }).expect(400)).body.errors).toEqual([
      { field: 'cursor', message: 'Cursor is invalid' },
    ]);
    expect((await list({ q: ['a', 'b'] }).expect(400)).body.errors).toEqual([
      { field: 'q', message: expect.any(String) },
    ]);
    expect((await list({ q: 'x'.repeat(201) }).expect(400)).body.errors).toEqual([
      { field: 'q', message: expect.any(String) },
    ]);
  });
});

describe('PUT /api/tickets/:id', () => {
  const put = (id: string, cookie: string | undefined, body: object) => {
    const req = request(app()).put(`/api/tickets/${id}`);
    if (cookie) req.set('Cookie', cookie);
    return req.send(body);
  };
  const stored = async (id: string) => (await request(app()).get(`/api/tickets/${id}`).expect(200)).body;

  it('lets the seller change title and price, bumps the version and records ticket.updated', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie, { price: 10 });
    const title = uniqueTitle('Ballet');
    const res = await put(ticket.id, seller.cookie, { title, price: 12.5 }).expect(200);
    expect(res.body).toEqual({ ...ticket, title, price: 12.5, version: 1 });
    expect(await stored(ticket.id)).toEqual(res.body);
    expect((await outboxEventsAbout(pool(), ticket.id)).map((e) => e.data)).toEqual([
      expect.objectContaining({ version: 0 }),
      {
        id: ticket.id,
        title,
        price: 1250,
        userId: seller.user.id,
        version: 1,
        status: 'available',
        orderId: null,
        venue: null,
        startsAt: null,
        seat: null,
      },
    ]);
  });

  it('rejects a signed-out edit with 401', async () => {
    const ticket = await createTicketAs(app(), aSeller().cookie);
    await put(ticket.id, undefined, { title: 'New', price: 5 }).expect(401);
    expect(await stored(ticket.id)).toEqual(ticket);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const { cookie } = aSeller();
    expect((await put(randomUUID(), cookie, { title: 'New', price: 5 }).expect(404)).body).toEqual({
      errors: [{ message: 'Ticket not found' }],
    });
    await put('42', cookie, { title: 'New', price: 5 }).expect(404);
  });

  it("forbids editing someone else's ticket with 403 and changes nothing", async () => {
    const ticket = await createTicketAs(app(), aSeller().cookie);
    const res = await put(ticket.id, aSeller().cookie, { title: 'Mine now', price: 1 }).expect(403);
    expect(res.body).toEqual({ errors: [{ message: 'Only the seller can edit this ticket' }] });
    expect(await stored(ticket.id)).toEqual(ticket);
    expect(await outboxEventsAbout(pool(), ticket.id)).toHaveLength(1);
  });

  it.each([
    [{ price: 5 }, 'title'],
    [{ title: '', price: 5 }, 'title'],
    [{ title: 'x'.repeat(201), price: 5 }, 'title'],
    [{ title: 'New' }, 'price'],
    [{ title: 'New', price: 0 }, 'price'],
    [{ title: 'New', price: 2_000_000 }, 'price'],
    [{ title: 'New', price: 3.333 }, 'price'],
  ])('rejects %j with 400 naming %s and changes nothing', async (body, field) => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    const res = await put(ticket.id, seller.cookie, body).expect(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([{ field, message: expect.any(String) }]));
    expect(await stored(ticket.id)).toEqual(ticket);
  });

  it('refuses to edit a reserved ticket with 409 and changes nothing', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    await holdByOrder(pool(), ticket.id, 'reserved');
    const before = await stored(ticket.id);
    const res = await put(ticket.id, seller.cookie, { title: 'Cheaper', price: 1 }).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] });
    expect(await stored(ticket.id)).toEqual(before);
  });

  it('refuses to edit a sold ticket with 409', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(app(), seller.cookie);
    await holdByOrder(pool(), ticket.id, 'sold');
    const res = await put(ticket.id, seller.cookie, { title: 'Cheaper', price: 1 }).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a sold ticket' }] });
  });
});

describe('operations', () => {
  it('reports the database and the bus in /health', async () => {
    await request(app())
      .get('/health')
      .expect(200, { status: 'ok', checks: { database: 'ok', bus: 'ok' } });
  });

  it('answers /health with 503 naming the bus when the bus is unreachable', async () => {
    const closedBus = await connectTestBus(testBusNamespace());
    await closedBus.deleteStream();
    await closedBus.close();
    const config = readConfig({ DATABASE_URL: databaseUrl(), NATS_URL: testNatsUrl(), ...testSessionEnv() });
    const unhealthy = buildApp({
      pool: pool(),
      bus: closedBus,
      config,
      logger: testLogger,
      sessions: testSessionVerifier(),
    });
    await request(unhealthy)
      .get('/health')
      .expect(503, { status: 'unavailable', checks: { database: 'ok', bus: 'unreachable' } });
  });

  it('refuses to start without its configuration, naming what is missing, and defaults PORT to 4002', () => {
    expect(() => readConfig({})).toThrow(
      /DATABASE_URL is missing[\s\S]*NATS_URL is missing[\s\S]*AUTH_JWKS_URL is missing[\s\S]*REDIS_URL is missing/,
    );
    expect(readConfig({ DATABASE_URL: 'postgres://x/y', NATS_URL: 'nats://x', ...testSessionEnv() }).PORT).toBe(4002);
  });
});
