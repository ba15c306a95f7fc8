import { randomUUID } from 'node:crypto';
import { makeEnvelope, RetryLaterError, type EventData } from '@microtick/common';
import { anOrderUpdated, collectEvents, eventually, type CollectedEvents } from '@microtick/devstack';
import request from 'supertest';
import { findTicket } from '../store/tickets';
import {
  editTicketAs,
  anOrderCreatedFor,
  aSeller,
  createTicketAs,
  startTicketsUnderTest,
  type TicketsUnderTest,
} from '../testing/tickets-under-test';
import { changeTicket } from '../store/ticket-events';
import { orderCreatedListener } from './order-created';
import { orderUpdatedListener } from './order-updated';

let service: TicketsUnderTest;
let updates: CollectedEvents<'ticket.updated'>;
beforeAll(async () => {
  service = await startTicketsUnderTest();
  updates = await collectEvents(service.otherBus, 'ticket.updated');
});
afterAll(() => service.stop());

const pool = () => service.db.pool;
const show = async (id: string) => (await request(service.app).get(`/api/tickets/${id}`).expect(200)).body;

/** Publishes as the orders service would, on the namespace the service under test listens to. */
const publish = <S extends 'order.created' | 'order.updated'>(subject: S, data: EventData<S>) =>
  service.otherBus.publish(subject, data);

/** Resolves once the consumer has committed its handling of the event (applied, or recognised as a no-op). */
const processed = (consumer: string, eventId: string) =>
  eventually(
    async () =>
      (await pool().query('SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2', [consumer, eventId]))
        .rowCount === 1,
  );

async function reservedTicket() {
  const seller = aSeller();
  const ticket = await createTicketAs(service.app, seller.cookie);
  const order = anOrderCreatedFor(ticket);
  await publish('order.created', order);
  await eventually(async () => (await show(ticket.id)).status === 'reserved');
  return { seller, ticket, order };
}

/** True while some statement on the tickets table (an edit's UPDATE, a listener's SELECT FOR UPDATE) waits for a row lock held by the test. */
const someoneWaitsForTheTicketLock = async () =>
  (
    await pool().query(
      "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%tickets%'",
    )
  ).rowCount! > 0;

describe('order.created', () => {
  it('reserves the ticket for the order and publishes ticket.updated with the next version', async () => {
    const { ticket, order } = await reservedTicket();
    expect(await show(ticket.id)).toEqual({ ...ticket, status: 'reserved', orderId: order.id, version: 1 });
    const [event] = await eventually(async () => updates.about(ticket.id).length === 1 && updates.about(ticket.id));
    expect(event).toEqual({
      id: ticket.id,
      title: ticket.title,
      price: Math.round(ticket.price * 100),
      userId: ticket.userId,
      version: 1,
      status: 'reserved',
      orderId: order.id,
      venue: null,
      startsAt: null,
      seat: null,
    });
  });

  it('reserves the ticket even when the seller edited it after the order was placed', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(service.app, seller.cookie);
    const order = anOrderCreatedFor(ticket); // placed against version 0
    await editTicketAs(service.app, seller.cookie, ticket.id, { title: 'Changed after the order', price: 999 }).expect(
      200,
    );
    await publish('order.created', order);
    await eventually(async () => (await show(ticket.id)).status === 'reserved');
    expect(await show(ticket.id)).toMatchObject({ status: 'reserved', orderId: order.id, version: 2 });
    await editTicketAs(service.app, seller.cookie, ticket.id, { title: 'Changed again', price: 5 }).expect(409);
  });

  it('changes nothing when the same event is redelivered', async () => {
    const ticket = await createTicketAs(service.app, aSeller().cookie);
    const listener = orderCreatedListener(pool());
    const envelope = makeEnvelope('order.created', anOrderCreatedFor(ticket));
    await listener.onMessage(envelope.data, envelope);
    await listener.onMessage(envelope.data, envelope);
    expect(await show(ticket.id)).toMatchObject({ status: 'reserved', orderId: envelope.data.id, version: 1 });
  });

  it('changes nothing when the order is announced again under a new event id', async () => {
    const { ticket, order } = await reservedTicket();
    const duplicate = await publish('order.created', order);
    await processed('tickets.order.created', duplicate.id);
    expect(await show(ticket.id)).toMatchObject({ status: 'reserved', orderId: order.id, version: 1 });
  });

  it('asks for redelivery, recording nothing, while the ticket is unknown', async () => {
    const listener = orderCreatedListener(pool());
    const envelope = makeEnvelope('order.created', anOrderCreatedFor({ id: randomUUID(), price: 10 }));
    await expect(listener.onMessage(envelope.data, envelope)).rejects.toBeInstanceOf(RetryLaterError);
    const { rowCount } = await pool().query('SELECT 1 FROM processed_events WHERE event_id = $1', [envelope.id]);
    expect(rowCount).toBe(0);
  });

  it('waits while another order holds the ticket, and reserves it once that order is cancelled', async () => {
    const { ticket, order: first } = await reservedTicket();
    const second = anOrderCreatedFor(ticket);
    const direct = makeEnvelope('order.created', second);
    await expect(orderCreatedListener(pool()).onMessage(second, direct)).rejects.toBeInstanceOf(RetryLaterError);

    // Over the bus the second order overtakes the first one's cancellation, as events of two subjects may.
    await publish('order.created', second);
    await publish('order.updated', anOrderUpdated(first, 'cancelled'));
    await eventually(async () => (await show(ticket.id)).orderId === second.id, 10_000);
    expect(await show(ticket.id)).toMatchObject({ status: 'reserved', version: 3 });
  });

  it('does not reserve the ticket for an order whose cancellation arrived first', async () => {
    const ticket = await createTicketAs(service.app, aSeller().cookie);
    const order = anOrderCreatedFor(ticket);
    const cancelled = await publish('order.updated', anOrderUpdated(order, 'cancelled'));
    await processed('tickets.order.updated', cancelled.id);
    const created = await publish('order.created', order);
    await processed('tickets.order.created', created.id);
    expect(await show(ticket.id)).toEqual(ticket);
  });

  it('drops an order placed just before its ticket was withdrawn, leaving the ticket withdrawn', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(service.app, seller.cookie);
    await request(service.app).delete(`/api/tickets/${ticket.id}`).set('Cookie', seller.cookie).expect(204);
    const created = await publish('order.created', anOrderCreatedFor(ticket));
    await processed('tickets.order.created', created.id);
    expect(await findTicket(pool(), ticket.id)).toMatchObject({ status: 'withdrawn', orderId: null, version: 1 });
  });
});

describe('order.updated', () => {
  it('frees the ticket when its order is cancelled, publishes the next version, and lets the seller edit again', async () => {
    const { seller, ticket, order } = await reservedTicket();
    await publish('order.updated', anOrderUpdated(order, 'cancelled'));
    await eventually(async () => (await show(ticket.id)).status === 'available');
    expect(await show(ticket.id)).toEqual({ ...ticket, version: 2 });
    const events = await eventually(async () => updates.about(ticket.id).length === 2 && updates.about(ticket.id));
    expect(events[1]).toMatchObject({ version: 2, status: 'available', orderId: null });
    await editTicketAs(service.app, seller.cookie, ticket.id, { title: 'Back on sale', price: 20 }).expect(200);
  });

  it('does not free a ticket now held by a newer order when an old order is cancelled late', async () => {
    const { ticket, order: old } = await reservedTicket();
    await publish('order.updated', anOrderUpdated(old, 'cancelled'));
    await eventually(async () => (await show(ticket.id)).status === 'available');
    const newer = anOrderCreatedFor(ticket);
    await publish('order.created', newer);
    await eventually(async () => (await show(ticket.id)).orderId === newer.id);

    const late = await publish('order.updated', anOrderUpdated(old, 'cancelled'));
    await processed('tickets.order.updated', late.id);
    expect(await show(ticket.id)).toMatchObject({ status: 'reserved', orderId: newer.id, version: 3 });
  });

  it('sells the ticket when its order completes, keeping the order id, after which the seller cannot edit it', async () => {
    const { seller, ticket, order } = await reservedTicket();
    await publish('order.updated', anOrderUpdated(order, 'complete'));
    await eventually(async () => (await show(ticket.id)).status === 'sold');
    expect(await show(ticket.id)).toEqual({ ...ticket, status: 'sold', orderId: order.id, version: 2 });
    const events = await eventually(async () => updates.about(ticket.id).length === 2 && updates.about(ticket.id));
    expect(events[1]).toMatchObject({ version: 2, status: 'sold', orderId: order.id });

    const res = await editTicketAs(service.app, seller.cookie, ticket.id, { title: 'Again', price: 99 }).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a sold ticket' }] });
  });

  it('changes nothing when a completion or cancellation is redelivered or repeated', async () => {
    const { ticket, order } = await reservedTicket();
    const listener = orderUpdatedListener(pool());
    const complete = makeEnvelope('order.updated', anOrderUpdated(order, 'complete'));
    await listener.onMessage(complete.data, complete);
    await listener.onMessage(complete.data, complete);
    const repeated = makeEnvelope('order.updated', anOrderUpdated(order, 'complete'));
    await listener.onMessage(repeated.data, repeated);
    expect(await show(ticket.id)).toMatchObject({ status: 'sold', orderId: order.id, version: 2 });
  });

  it('waits for the order to reserve the ticket before selling it, when the completion arrives first', async () => {
    const ticket = await createTicketAs(service.app, aSeller().cookie);
    const order = anOrderCreatedFor(ticket);
    await publish('order.updated', anOrderUpdated(order, 'complete'));
    await publish('order.created', order);
    await eventually(async () => (await show(ticket.id)).status === 'sold', 10_000);
    expect(await show(ticket.id)).toMatchObject({ orderId: order.id, version: 2 });
  });
});

describe('concurrent edit and reservation', () => {
  it('an edit that loses the race to a reservation answers 409 and does not overwrite it', async () => {
    const seller = aSeller();
    const ticket = await createTicketAs(service.app, seller.cookie);
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      const orderId = randomUUID();
      await changeTicket(client, (await findTicket(client, ticket.id))!, { status: 'reserved', orderId });
      const edit = editTicketAs(service.app, seller.cookie, ticket.id, { title: 'Edited', price: 1 }).then(
        (res) => res,
      );
      await eventually(someoneWaitsForTheTicketLock);
      await client.query('COMMIT');
      const res = await edit;
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ errors: [{ message: 'Cannot edit a reserved ticket' }] });
      expect(await show(ticket.id)).toEqual({ ...ticket, status: 'reserved', orderId, version: 1 });
    } finally {
      client.release();
    }
  });

  it('a reservation that loses the race to an edit is applied on top of the edit', async () => {
    const ticket = await createTicketAs(service.app, aSeller().cookie);
    const order = anOrderCreatedFor(ticket);
    const client = await pool().connect();
    try {
      await client.query('BEGIN');
      await changeTicket(client, (await findTicket(client, ticket.id))!, { title: 'Edited first', priceCents: 4200 });
      await publish('order.created', order);
      await eventually(someoneWaitsForTheTicketLock);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await eventually(async () => (await show(ticket.id)).status === 'reserved', 10_000);
    expect(await show(ticket.id)).toEqual({
      ...ticket,
      title: 'Edited first',
      price: 42,
      status: 'reserved',
      orderId: order.id,
      version: 2,
    });
    const events = await eventually(async () => updates.about(ticket.id).length === 2 && updates.about(ticket.id));
    expect(events.map((e) => [e.version, e.title, e.status])).toEqual([
      [1, 'Edited first', 'available'],
      [2, 'Edited first', 'reserved'],
    ]);
  });
});
