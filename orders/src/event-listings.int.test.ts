import { randomUUID } from 'node:crypto';
import type { Bus, EventData } from '@microtick/common';
import { aTicketCreated, aTicketUpdated, eventually, sessionCookie, testLogger } from '@microtick/devstack';
import request from 'supertest';
import { startListeners } from './events';
import { findTicket } from './store/tickets';
import { cancelAsJudged, seedTicket, startOrdersUnderTest, type OrdersUnderTest } from './testing/orders-under-test';

// The replica keeps each ticket's start and the withdrawn status (DESIGN.md, Additions December 2026).
let orders: OrdersUnderTest;
let tickets: Bus;
beforeAll(async () => {
  orders = await startOrdersUnderTest();
  await startListeners(orders.bus, orders.pool, testLogger);
  tickets = orders.otherServices;
});
afterAll(() => orders.stop());

const order = (ticketId: string) =>
  request(orders.server).post('/api/orders').set('Cookie', sessionCookie().cookie).send({ ticketId });
const orderCount = async () => (await orders.pool.query('SELECT count(*)::int AS n FROM orders')).rows[0].n;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace('Z', '+00:00');

describe('the ticket replica', () => {
  it('keeps the start from ticket.created and ticket.updated, and applies a withdrawal', async () => {
    const created = aTicketCreated({ venue: 'Paradiso', startsAt: '2040-05-01T20:00:00+02:00', seat: 'A1' });
    await tickets.publish('ticket.created', created);
    await eventually(async () => (await findTicket(orders.pool, created.id)) !== undefined);
    expect((await findTicket(orders.pool, created.id))!.startsAt).toEqual(new Date('2040-05-01T18:00:00Z'));

    await tickets.publish(
      'ticket.updated',
      aTicketUpdated(created, { version: 1, startsAt: '2040-06-01T09:30:00-04:00' }),
    );
    await eventually(async () => (await findTicket(orders.pool, created.id))!.version === 1);
    expect((await findTicket(orders.pool, created.id))!.startsAt).toEqual(new Date('2040-06-01T13:30:00Z'));

    await tickets.publish('ticket.updated', aTicketUpdated(created, { version: 2, status: 'withdrawn' }));
    await eventually(async () => (await findTicket(orders.pool, created.id))!.version === 2);
    expect(await findTicket(orders.pool, created.id)).toEqual(expect.objectContaining({ status: 'withdrawn' }));
  });

  it('accepts a ticket.created recorded before events had details', async () => {
    const { venue: _venue, startsAt: _startsAt, seat: _seat, ...older } = aTicketCreated();
    // Written straight to the bus: publish() would validate the payload and fill the nulls in.
    await tickets.publishEnvelope({
      id: randomUUID(),
      subject: 'ticket.created',
      occurredAt: new Date().toISOString(),
      data: older as EventData<'ticket.created'>,
    });
    await eventually(async () => (await findTicket(orders.pool, older.id)) !== undefined);
    expect((await findTicket(orders.pool, older.id))!.startsAt).toBeNull();
  });
});

describe('POST /api/orders for events', () => {
  it('orders a ticket until its event starts, then refuses it with 409 and creates nothing', async () => {
    const ticket = await seedTicket(orders.pool, { startsAt: inDays(1) });
    const { cookie } = sessionCookie();
    const first = await request(orders.server)
      .post('/api/orders')
      .set('Cookie', cookie)
      .send({ ticketId: ticket.id })
      .expect(201);
    // Cancelled through the service, which then asks the database again about the ticket (HeldTickets).
    expect((await cancelAsJudged(orders, cookie, first.body.id)).status).toBe(204);
    await orders.pool.query("UPDATE tickets SET starts_at = now() - interval '1 minute' WHERE id = $1", [ticket.id]);
    const before = await orderCount();
    const res = await order(ticket.id).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Event has already started' }] });
    expect(await orderCount()).toBe(before);
  });

  it('answers 404 for a withdrawn ticket and creates nothing', async () => {
    const ticket = await seedTicket(orders.pool);
    await orders.pool.query("UPDATE tickets SET status = 'withdrawn', version = 1 WHERE id = $1", [ticket.id]);
    const before = await orderCount();
    const res = await order(ticket.id).expect(404);
    expect(res.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
    expect(await orderCount()).toBe(before);
  });
});

describe('orders show the event', () => {
  it('carries the venue and the start as the seller gave it, in the 201, GET one and the buyer’s list', async () => {
    const created = aTicketCreated({ venue: 'Paradiso', startsAt: '2040-05-01T20:00:00+02:00' });
    await tickets.publish('ticket.created', created);
    await eventually(async () => (await findTicket(orders.pool, created.id)) !== undefined);
    const buyer = sessionCookie();
    const placed = await request(orders.server)
      .post('/api/orders')
      .set('Cookie', buyer.cookie)
      .send({ ticketId: created.id })
      .expect(201);
    const event = { venue: 'Paradiso', startsAt: '2040-05-01T20:00:00+02:00' };
    expect(placed.body.ticket).toEqual(expect.objectContaining(event));
    const shown = await request(orders.server).get(`/api/orders/${placed.body.id}`).set('Cookie', buyer.cookie);
    expect(shown.body.ticket).toEqual(expect.objectContaining(event));
    const listed = await request(orders.server).get('/api/orders').set('Cookie', buyer.cookie);
    expect(listed.body.orders[0].ticket).toEqual(expect.objectContaining(event));
  });

  it('shows null for a ticket without them', async () => {
    const ticket = await seedTicket(orders.pool);
    const placed = await order(ticket.id).expect(201);
    expect(placed.body.ticket).toEqual(expect.objectContaining({ venue: null, startsAt: null }));
  });
});
