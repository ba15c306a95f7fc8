import { randomUUID } from 'node:crypto';
import { makeEnvelope, RetryLaterError, type Bus, type EventData } from '@microtick/common';
import { connectTestBus, eventually, sessionCookie, testLogger } from '@microtick/common/testing';
import request from 'supertest';
import { findOrder } from '../../db/orders';
import { findTicket } from '../../db/tickets';
import {
  outboxEventsFor,
  seedTicket,
  startOrders,
  ticketCreated,
  ticketUpdated,
  type OrdersUnderTest,
} from '../../test-support';
import { ExpirationCompleteListener } from './expiration-complete-listener';
import { startListeners } from './index';
import { PaymentCreatedListener } from './payment-created-listener';
import { TicketUpdatedListener } from './ticket-updated-listener';

let orders: OrdersUnderTest;
/** Stands in for the tickets, expiration and payments services: a second connection on the same namespace. */
let otherServices: Bus;
beforeAll(async () => {
  orders = await startOrders();
  await startListeners(orders.bus, orders.pool, testLogger);
  otherServices = await connectTestBus(
    { stream: orders.bus.stream, subjectPrefix: orders.bus.subjectPrefix },
    'other-services',
  );
});
afterAll(async () => {
  await otherServices.close();
  await orders.stop();
});

async function placeOrder() {
  const ticket = await seedTicket(orders.pool);
  const buyer = sessionCookie();
  const res = await request(orders.server)
    .post('/api/orders')
    .set('Cookie', buyer.cookie)
    .send({ ticketId: ticket.id })
    .expect(201);
  return { ticket, buyer, orderId: res.body.id as string };
}

const payment = (orderId: string): EventData<'payment.created'> => ({
  id: randomUUID(),
  orderId,
  amount: 2500,
  providerPaymentId: `pi_${randomUUID()}`,
});

const updatesOf = async (orderId: string) =>
  (await outboxEventsFor(orders.pool, orderId))
    .filter((e) => e.subject === 'order.updated')
    .map((e) => e.data as EventData<'order.updated'>);

/** The inbox row tells, without guessing at timing, that a listener has handled an event. */
const handled = (consumer: string, eventId: string) => async () =>
  (await orders.pool.query('SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2', [consumer, eventId]))
    .rowCount === 1;

describe('ticket replica', () => {
  it('adds a ticket from ticket.created at version 0, available', async () => {
    const { venue: _venue, seat: _seat, ...ticket } = ticketCreated();
    await otherServices.publish('ticket.created', { ...ticket, venue: null, seat: null });
    const replica = await eventually(() => findTicket(orders.pool, ticket.id));
    expect(replica).toEqual({ ...ticket, status: 'available', orderId: null });
  });

  it('applies ticket.updated versions that arrive out of order: v2 before v1 ends at v2', async () => {
    const ticket = ticketCreated({ price: 1000 });
    await otherServices.publish('ticket.created', ticket);
    await eventually(() => findTicket(orders.pool, ticket.id));
    const orderId = randomUUID();
    const v1 = ticketUpdated(ticket, { version: 1, title: 'Renamed', price: 1500 });
    const v2 = ticketUpdated(ticket, { version: 2, title: 'Renamed', price: 1500, status: 'reserved', orderId });
    await otherServices.publish('ticket.updated', v2);
    await otherServices.publish('ticket.updated', v1);
    const replica = await eventually(async () => {
      const t = await findTicket(orders.pool, ticket.id);
      return t?.version === 2 && t;
    }, 10_000);
    expect(replica).toEqual({
      id: ticket.id,
      title: 'Renamed',
      price: 1500,
      userId: ticket.userId,
      version: 2,
      status: 'reserved',
      orderId,
      startsAt: null,
    });
  });

  it('answers a version from the future, or an update of an unknown ticket, with RetryLaterError so the bus redelivers it', async () => {
    const listener = new TicketUpdatedListener(orders.pool, testLogger);
    const ticket = ticketCreated();
    await expect(listener.onMessage(ticketUpdated(ticket, { version: 1 }))).rejects.toBeInstanceOf(RetryLaterError);
    await seedTicket(orders.pool, ticket);
    await expect(listener.onMessage(ticketUpdated(ticket, { version: 2 }))).rejects.toBeInstanceOf(RetryLaterError);
    expect((await findTicket(orders.pool, ticket.id))?.version).toBe(0);
  });

  it('holds a ticket.updated that arrives before its ticket.created until the ticket exists', async () => {
    const ticket = ticketCreated();
    await otherServices.publish(
      'ticket.updated',
      ticketUpdated(ticket, { version: 1, status: 'sold', orderId: randomUUID() }),
    );
    await otherServices.publish('ticket.created', ticket);
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.status === 'sold', 10_000);
  });

  it('drops an old or duplicated ticket.updated, and a repeated ticket.created, without changing the replica', async () => {
    const ticket = ticketCreated();
    await otherServices.publish('ticket.created', ticket);
    await otherServices.publish('ticket.updated', ticketUpdated(ticket, { version: 1, title: 'Version one' }));
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.version === 1);
    // The same changes again under new event ids (a publisher retried after the duplicate window).
    await otherServices.publish('ticket.created', { ...ticket, title: 'Stale title' });
    await otherServices.publish('ticket.updated', ticketUpdated(ticket, { version: 1, title: 'Stale title' }));
    await otherServices.publish('ticket.updated', ticketUpdated(ticket, { version: 2, title: 'Version two' }));
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.version === 2);
    expect((await findTicket(orders.pool, ticket.id))?.title).toBe('Version two');
    // A redelivery straight into the handler is acked (no throw) and changes nothing either.
    const listener = new TicketUpdatedListener(orders.pool, testLogger);
    const stale = ticketUpdated(ticket, { version: 1, title: 'Stale title' });
    await expect(listener.onMessage(stale)).resolves.toBeUndefined();
    expect((await findTicket(orders.pool, ticket.id))?.title).toBe('Version two');
  });
});

describe('expiration.complete', () => {
  it('cancels an order that is still created, marks it expired and records order.updated cancelled', async () => {
    const { orderId, ticket, buyer } = await placeOrder();
    await otherServices.publish('expiration.complete', { orderId });
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'cancelled');
    expect((await findOrder(orders.pool, orderId))?.cancelReason).toBe('expired');
    expect(await updatesOf(orderId)).toEqual([
      { id: orderId, userId: buyer.user.id, status: 'cancelled', ticket: { id: ticket.id }, version: 1 },
    ]);
  });

  it('changes nothing for a complete order', async () => {
    const { orderId } = await placeOrder();
    await otherServices.publish('payment.created', payment(orderId));
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'complete');
    const expired = await otherServices.publish('expiration.complete', { orderId });
    await eventually(handled('orders.expiration.complete', expired.id));
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'complete', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });

  it('applies a redelivered or duplicated expiration once', async () => {
    const { orderId } = await placeOrder();
    const listener = new ExpirationCompleteListener(orders.pool, testLogger);
    const envelope = makeEnvelope('expiration.complete', { orderId });
    await listener.onMessage(envelope.data, envelope);
    await listener.onMessage(envelope.data, envelope); // redelivery
    const duplicate = makeEnvelope('expiration.complete', { orderId }); // same fact, new id
    await listener.onMessage(duplicate.data, duplicate);
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'cancelled', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });

  it('acks an expiration for an unknown order without effect', async () => {
    const expired = await otherServices.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(handled('orders.expiration.complete', expired.id));
  });
});

describe('payment.created', () => {
  it('completes a created order and records order.updated complete', async () => {
    const { orderId, ticket, buyer } = await placeOrder();
    await otherServices.publish('payment.created', payment(orderId));
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'complete');
    expect(await updatesOf(orderId)).toEqual([
      { id: orderId, userId: buyer.user.id, status: 'complete', ticket: { id: ticket.id }, version: 1 },
    ]);
  });

  it('leaves a cancelled order cancelled (payments refunds it)', async () => {
    const { orderId, buyer } = await placeOrder();
    await request(orders.server).delete(`/api/orders/${orderId}`).set('Cookie', buyer.cookie).expect(204);
    const paid = await otherServices.publish('payment.created', payment(orderId));
    await eventually(handled('orders.payment.created', paid.id));
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'cancelled', version: 1 });
    expect((await updatesOf(orderId)).map((d) => d.status)).toEqual(['cancelled']);
  });

  it('applies a redelivered payment once', async () => {
    const { orderId } = await placeOrder();
    const listener = new PaymentCreatedListener(orders.pool, testLogger);
    const envelope = makeEnvelope('payment.created', payment(orderId));
    await listener.onMessage(envelope.data, envelope);
    await listener.onMessage(envelope.data, envelope);
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'complete', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });
});

describe('races', () => {
  it('a cancel racing an expiry and a payment makes exactly one transition and one event', async () => {
    const expiration = new ExpirationCompleteListener(orders.pool, testLogger);
    const payments = new PaymentCreatedListener(orders.pool, testLogger);
    for (let round = 0; round < 10; round += 1) {
      const { orderId, buyer } = await placeOrder();
      const expired = makeEnvelope('expiration.complete', { orderId });
      const paid = makeEnvelope('payment.created', payment(orderId));
      const [cancel] = await Promise.all([
        request(orders.server).delete(`/api/orders/${orderId}`).set('Cookie', buyer.cookie),
        expiration.onMessage(expired.data, expired),
        payments.onMessage(paid.data, paid),
      ]);
      const order = await findOrder(orders.pool, orderId);
      const updates = await updatesOf(orderId);
      expect(order?.version).toBe(1);
      expect(updates).toEqual([expect.objectContaining({ status: order?.status, version: 1 })]);
      // The buyer's cancel loses only to a payment, and then says so.
      expect(cancel.status).toBe(order?.status === 'complete' ? 409 : 204);
    }
  });
});
