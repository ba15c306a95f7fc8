import request from 'supertest';
import { collectEvents, eventually, type CollectedEvents } from '@microtick/devstack';
import {
  aSeller,
  createTicketAs,
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

  it('publishes ticket.created with the price in cents and version 0, then ticket.updated with version 1 after an edit', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(service.app, seller.cookie, { price: 30.25 });
    const [createdEvent] = await eventually(
      async () => created.about(ticket.id).length === 1 && created.about(ticket.id),
    );
    expect(createdEvent).toEqual({
      id: ticket.id,
      title: ticket.title,
      price: 3025,
      userId: seller.user.id,
      version: 0,
    });

    const title = uniqueTitle('Revised');
    await request(service.app)
      .put(`/api/tickets/${ticket.id}`)
      .set('Cookie', seller.cookie)
      .send({ title, price: 28 })
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
