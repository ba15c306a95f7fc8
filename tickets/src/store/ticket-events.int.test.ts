import request from 'supertest';
import { collectEvents, eventually, type CollectedEvents } from '@microtick/devstack';
import {
  aSeller,
  createTicketAs,
  inAYear,
  startTicketsUnderTest,
  uniqueTitle,
  type TicketsUnderTest,
} from '../testing/tickets-under-test';

describe('ticket events', () => {
  let service: TicketsUnderTest;
  let created: CollectedEvents<'ticket.created'>;
  let updated: CollectedEvents<'ticket.updated'>;
  beforeAll(async () => {
    service = await startTicketsUnderTest();
    created = await collectEvents(service.otherBus, 'ticket.created');
    updated = await collectEvents(service.otherBus, 'ticket.updated');
  });
  afterAll(() => service.stop());

  it('publishes ticket.created with the price in cents, the event details and version 0, then ticket.updated with version 1 after an edit', async () => {
    const seller = aSeller();
    const startsAt = inAYear('+02:00');
    const ticket = await createTicketAs(service.app, seller.cookie, {
      price: 30.25,
      venue: 'Olympia, Paris',
      startsAt,
      seat: 'Balcony B, row 2, seat 14',
    });
    const [createdEvent] = await eventually(
      async () => created.about(ticket.id).length === 1 && created.about(ticket.id),
    );
    expect(createdEvent).toEqual({
      id: ticket.id,
      title: ticket.title,
      price: 3025,
      userId: seller.user.id,
      version: 0,
      venue: 'Olympia, Paris',
      startsAt,
      seat: 'Balcony B, row 2, seat 14',
    });

    const title = uniqueTitle('Revised');
    await request(service.app)
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', seller.cookie)
      .send({ title, price: 28, seat: null })
      .expect(200);
    const [updatedEvent] = await eventually(
      async () => updated.about(ticket.id).length === 1 && updated.about(ticket.id),
    );
    expect(updatedEvent).toEqual({
      id: ticket.id,
      title,
      price: 2800,
      userId: seller.user.id,
      version: 1,
      status: 'available',
      orderId: null,
      venue: 'Olympia, Paris',
      startsAt,
      seat: null,
    });
  });
});

describe('withdrawing a ticket', () => {
  let service: TicketsUnderTest;
  let updated: CollectedEvents<'ticket.updated'>;
  beforeAll(async () => {
    service = await startTicketsUnderTest();
    updated = await collectEvents(service.otherBus, 'ticket.updated');
  });
  afterAll(() => service.stop());

  it('publishes ticket.updated with status withdrawn and the next version', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(service.app, seller.cookie, { venue: 'Paradiso', startsAt: inAYear() });
    await request(service.app).delete(`/api/tickets/${ticket.id}`).set('Cookie', seller.cookie).expect(204);
    const [event] = await eventually(async () => updated.about(ticket.id).length === 1 && updated.about(ticket.id));
    expect(event).toEqual({
      id: ticket.id,
      title: ticket.title,
      price: 2500,
      userId: seller.user.id,
      version: 1,
      status: 'withdrawn',
      orderId: null,
      venue: 'Paradiso',
      startsAt: ticket.startsAt,
      seat: null,
    });
  });
});

describe('ticket events after a crash', () => {
  it('publishes a ticket committed while no relay ran once a relay starts later', async () => {
    const service = await startTicketsUnderTest({ relay: false });
    try {
      const created = await collectEvents(service.otherBus, 'ticket.created');
      // The process committed the ticket and its event, then died before publishing.
      const ticket = await createTicketAs(service.app, aSeller().cookie);
      const { rows } = await service.db.pool.query(
        "SELECT count(*)::int AS n FROM outbox WHERE envelope->'data'->>'id' = $1",
        [ticket.id],
      );
      expect(rows[0].n).toBe(1);

      await service.relay.start();
      await eventually(async () => created.about(ticket.id).length === 1);
      await eventually(async () => (await service.db.pool.query('SELECT 1 FROM outbox')).rowCount === 0);
    } finally {
      await service.stop();
    }
  });
});
