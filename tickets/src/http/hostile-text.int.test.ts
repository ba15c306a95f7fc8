import request from 'supertest';
import {
  aSeller,
  createTicketAs,
  editTicketAs,
  useTicketsWithoutBus,
  uniqueTitle,
} from '../testing/tickets-under-test';

// Found by e2e/hostile-input: a NUL in a title or a search reached PostgreSQL, which rejects it (500).
const { app, pool } = useTicketsWithoutBus();
const ticketCount = async () => (await pool().query('SELECT count(*)::int AS n FROM tickets')).rows[0].n;

describe('text that PostgreSQL or a reader cannot use', () => {
  it.each([
    ['a NUL', 'Jazz\u0000Night'],
    ['a control character', 'Jazz\u0007Night'],
    ['a line break', 'Jazz\nNight'],
    ['an unpaired surrogate', 'Jazz \ud800 Night'],
  ])('rejects a title with %s with 400 and stores nothing', async (_what, title) => {
    const { cookie } = aSeller();
    const before = await ticketCount();
    const res = await request(app()).post('/api/tickets').set('Cookie', cookie).send({ title, price: 10 }).expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Title must not contain control characters', field: 'title' }] });
    expect(await ticketCount()).toBe(before);
  });

  it('rejects an edit whose title has a NUL with 400 and leaves the ticket unchanged', async () => {
    const { cookie } = aSeller();
    const ticket = await createTicketAs(app(), cookie);
    await request(app())
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', cookie)
      .send({ title: 'a\u0000b', price: 10 })
      .expect(400);
    const res = await request(app()).get(`/api/tickets/${ticket.id}`).expect(200);
    expect(res.body).toEqual(ticket);
  });

  it('rejects a search with a NUL with 400 in the error shape', async () => {
    const res = await request(app()).get('/api/tickets').query({ q: 'jazz\u0000' }).expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Search must not contain control characters', field: 'q' }] });
  });

  it.each([
    ['two zero-width spaces', '\u200B\u200B'],
    ['a BOM, a zero-width joiner and spaces', ' \uFEFF \u200D '],
  ])('rejects a title of %s as required, like a blank one, and stores nothing', async (_what, title) => {
    const { cookie } = aSeller();
    const before = await ticketCount();
    const res = await request(app()).post('/api/tickets').set('Cookie', cookie).send({ title, price: 10 }).expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Title is required', field: 'title' }] });
    expect(await ticketCount()).toBe(before);
  });

  it('rejects an edit to an invisible title or venue, and reads an invisible seat as none', async () => {
    const { cookie } = aSeller();
    const ticket = await createTicketAs(app(), cookie, { seat: '\u200B\u2060' });
    expect(ticket.seat).toBeNull();
    const res = await editTicketAs(app(), cookie, ticket.id, { title: '\u200B', price: 10, venue: '\u200C' }).expect(
      400,
    );
    expect(res.body).toEqual({
      errors: [
        { message: 'Title is required', field: 'title' },
        { message: 'Venue must not be empty', field: 'venue' },
      ],
    });
    expect((await request(app()).get(`/api/tickets/${ticket.id}`).expect(200)).body).toEqual(ticket);
  });

  it('keeps a zero-width joiner inside an emoji sequence', async () => {
    const { cookie } = aSeller();
    const title = `Family day \u{1F468}\u200D\u{1F469}\u200D\u{1F467} ${uniqueTitle()}`;
    const ticket = await createTicketAs(app(), cookie, { title });
    expect(ticket.title).toBe(title);
  });

  it('still accepts titles in any script, with emoji', async () => {
    const { cookie } = aSeller();
    const title = `Ópera 東京 🎷 ${uniqueTitle()}`;
    const ticket = await createTicketAs(app(), cookie, { title });
    expect(ticket.title).toBe(title);
  });
});
