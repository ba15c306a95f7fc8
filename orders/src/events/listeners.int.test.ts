import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { makeEnvelope, RetryLaterError, type Bus, type EventData } from '@microtick/common';
import { aTicketCreated, aTicketUpdated, deliver, eventually, testLogger } from '@microtick/devstack';
import request from 'supertest';
import { findOrder } from '../store/orders';
import { findTicket } from '../store/tickets';
import {
  cancelAsJudged,
  cancellationRequestsFor,
  firstUpdateOf,
  outboxEventsFor,
  placeOrder,
  seedTicket,
  startOrdersUnderTest,
  type OrdersUnderTest,
} from '../testing/orders-under-test';
import { paymentWindowClosedListener } from './payment-window-closed';
import { startListeners } from './index';
import { paymentCreatedListener } from './payment-created';
import { ticketUpdatedListener } from './ticket-updated';

let orders: OrdersUnderTest;
/** Stands in for the tickets, expiration and payments services. */
let otherServices: Bus;
beforeAll(async () => {
  orders = await startOrdersUnderTest();
  await startListeners(orders.bus, orders.pool, testLogger);
  otherServices = orders.otherServices;
});
afterAll(() => orders.stop());

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
    const ticket = aTicketCreated();
    await otherServices.publish('ticket.created', ticket);
    const replica = await eventually(() => findTicket(orders.pool, ticket.id));
    // The replica keeps the start (null here), not the venue or seat.
    const { price, venue: _venue, seat: _seat, ...rest } = ticket;
    expect(replica).toEqual({ ...rest, priceCents: price, status: 'available', orderId: null });
  });

  it('applies ticket.updated versions that arrive out of order: v2 before v1 ends at v2', async () => {
    const ticket = aTicketCreated({ price: 1000 });
    await otherServices.publish('ticket.created', ticket);
    await eventually(() => findTicket(orders.pool, ticket.id));
    const orderId = randomUUID();
    const v1 = aTicketUpdated(ticket, { version: 1, title: 'Renamed', price: 1500 });
    const v2 = aTicketUpdated(ticket, { version: 2, title: 'Renamed', price: 1500, status: 'reserved', orderId });
    await otherServices.publish('ticket.updated', v2);
    await otherServices.publish('ticket.updated', v1);
    const replica = await eventually(async () => {
      const t = await findTicket(orders.pool, ticket.id);
      return t?.version === 2 && t;
    }, 10_000);
    expect(replica).toEqual({
      id: ticket.id,
      title: 'Renamed',
      priceCents: 1500,
      userId: ticket.userId,
      version: 2,
      status: 'reserved',
      orderId,
      startsAt: null,
    });
  });

  it('answers a version from the future, or an update of an unknown ticket, with RetryLaterError so the bus redelivers it', async () => {
    const listener = ticketUpdatedListener(orders.pool, testLogger);
    const ticket = aTicketCreated();
    await expect(deliver(listener, aTicketUpdated(ticket, { version: 1 }))).rejects.toBeInstanceOf(RetryLaterError);
    await seedTicket(orders.pool, ticket);
    await expect(deliver(listener, aTicketUpdated(ticket, { version: 2 }))).rejects.toBeInstanceOf(RetryLaterError);
    expect((await findTicket(orders.pool, ticket.id))?.version).toBe(0);
  });

  it('holds a ticket.updated that arrives before its ticket.created until the ticket exists', async () => {
    const ticket = aTicketCreated();
    await otherServices.publish(
      'ticket.updated',
      aTicketUpdated(ticket, { version: 1, status: 'sold', orderId: randomUUID() }),
    );
    await otherServices.publish('ticket.created', ticket);
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.status === 'sold', 10_000);
  });

  it('drops an old or duplicated ticket.updated, and a repeated ticket.created, without changing the replica', async () => {
    const ticket = aTicketCreated();
    await otherServices.publish('ticket.created', ticket);
    await otherServices.publish('ticket.updated', aTicketUpdated(ticket, { version: 1, title: 'Version one' }));
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.version === 1);
    // The same changes again under new event ids (a publisher retried after the duplicate window).
    await otherServices.publish('ticket.created', { ...ticket, title: 'Stale title' });
    await otherServices.publish('ticket.updated', aTicketUpdated(ticket, { version: 1, title: 'Stale title' }));
    await otherServices.publish('ticket.updated', aTicketUpdated(ticket, { version: 2, title: 'Version two' }));
    await eventually(async () => (await findTicket(orders.pool, ticket.id))?.version === 2);
    expect((await findTicket(orders.pool, ticket.id))?.title).toBe('Version two');
    // A redelivery straight into the handler is acked (no throw) and changes nothing either.
    const listener = ticketUpdatedListener(orders.pool, testLogger);
    const stale = aTicketUpdated(ticket, { version: 1, title: 'Stale title' });
    await expect(deliver(listener, stale)).resolves.toBeUndefined();
    expect((await findTicket(orders.pool, ticket.id))?.title).toBe('Version two');
  });
});

describe('a ticket withdrawn while an order for it was being placed', () => {
  const requestsFor = (orderId: string) => cancellationRequestsFor(orders.pool, orderId);

  it("asks payments to close the order's window once, even when the withdrawal is delivered again", async () => {
    const { orderId, ticket } = await placeOrder(orders);
    const listener = ticketUpdatedListener(orders.pool, testLogger);
    const withdrawn = aTicketUpdated(ticket, { version: 1, status: 'withdrawn' });
    await deliver(listener, withdrawn);
    await deliver(listener, withdrawn);
    expect(await requestsFor(orderId)).toBe(1);
    const [request] = (
      await orders.pool.query(
        "SELECT envelope FROM outbox WHERE subject = 'order.cancellation-requested' AND envelope->'data'->>'orderId' = $1",
        [orderId],
      )
    ).rows;
    expect(request.envelope.data).toEqual({ orderId, reason: 'withdrawn' });
    // Payments' verdict cancels it with the same reason, and the buyer's hold is free again.
    await deliver(paymentWindowClosedListener(orders.pool, testLogger), { orderId, reason: 'withdrawn' });
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'cancelled', cancelReason: 'withdrawn' });
  });

  it('asks nothing for a withdrawn ticket without an open order', async () => {
    const { orderId, ticket, buyer } = await placeOrder(orders);
    expect((await cancelAsJudged(orders, buyer.cookie, orderId)).status).toBe(204);
    await deliver(
      ticketUpdatedListener(orders.pool, testLogger),
      aTicketUpdated(ticket, { version: 1, status: 'withdrawn' }),
    );
    expect(await requestsFor(orderId)).toBe(1);
  });
});

describe('payment.window-closed', () => {
  it('cancels an order that is still created, marks it expired and records order.updated cancelled', async () => {
    const placed = await placeOrder(orders);
    const { orderId } = placed;
    await otherServices.publish('payment.window-closed', { orderId, reason: 'expired' });
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'cancelled');
    expect((await findOrder(orders.pool, orderId))?.cancelReason).toBe('expired');
    expect(await updatesOf(orderId)).toEqual([firstUpdateOf(placed, { status: 'cancelled', cancelReason: 'expired' })]);
  });

  it('changes nothing for a complete order', async () => {
    const { orderId } = await placeOrder(orders);
    await otherServices.publish('payment.created', payment(orderId));
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'complete');
    const expired = await otherServices.publish('payment.window-closed', { orderId, reason: 'expired' });
    await eventually(handled('orders.payment.window-closed', expired.id));
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'complete', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });

  it('applies a redelivered or duplicated window close once', async () => {
    const { orderId } = await placeOrder(orders);
    const listener = paymentWindowClosedListener(orders.pool, testLogger);
    const envelope = makeEnvelope('payment.window-closed', { orderId, reason: 'expired' });
    await listener.onMessage(envelope.data, envelope);
    await listener.onMessage(envelope.data, envelope); // redelivery
    const duplicate = makeEnvelope('payment.window-closed', { orderId, reason: 'expired' }); // same fact, new id
    await listener.onMessage(duplicate.data, duplicate);
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'cancelled', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });

  it('acks a window close for an unknown order without effect', async () => {
    const expired = await otherServices.publish('payment.window-closed', { orderId: randomUUID(), reason: 'expired' });
    await eventually(handled('orders.payment.window-closed', expired.id));
  });

  it('is the only expiry: orders has no consumer of expiration.complete, which payments judges first', async () => {
    const filters: string[] = [];
    for await (const consumer of (await jetstreamManager(orders.bus.connection)).consumers.list(orders.bus.stream))
      filters.push(consumer.config.filter_subject ?? '');
    expect(filters).toContain(orders.bus.wireSubject('payment.window-closed'));
    expect(filters).not.toContain(orders.bus.wireSubject('expiration.complete'));
  });
});

describe('payment.created', () => {
  it('completes a created order and records order.updated complete', async () => {
    const placed = await placeOrder(orders);
    const { orderId } = placed;
    await otherServices.publish('payment.created', payment(orderId));
    await eventually(async () => (await findOrder(orders.pool, orderId))?.status === 'complete');
    expect(await updatesOf(orderId)).toEqual([firstUpdateOf(placed, { status: 'complete', cancelReason: null })]);
  });

  it('leaves a cancelled order cancelled (payments refunds it)', async () => {
    const { orderId, buyer } = await placeOrder(orders);
    expect((await cancelAsJudged(orders, buyer.cookie, orderId)).status).toBe(204);
    const paid = await otherServices.publish('payment.created', payment(orderId));
    await eventually(handled('orders.payment.created', paid.id));
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'cancelled', version: 1 });
    expect((await updatesOf(orderId)).map((d) => d.status)).toEqual(['cancelled']);
  });

  it('applies a redelivered payment once', async () => {
    const { orderId } = await placeOrder(orders);
    const listener = paymentCreatedListener(orders.pool, testLogger);
    const envelope = makeEnvelope('payment.created', payment(orderId));
    await listener.onMessage(envelope.data, envelope);
    await listener.onMessage(envelope.data, envelope);
    expect(await findOrder(orders.pool, orderId)).toMatchObject({ status: 'complete', version: 1 });
    expect(await updatesOf(orderId)).toHaveLength(1);
  });
});

describe('races', () => {
  it('a cancel racing a window close and a payment makes exactly one transition and one event', async () => {
    const expiration = paymentWindowClosedListener(orders.pool, testLogger);
    const payments = paymentCreatedListener(orders.pool, testLogger);
    for (let round = 0; round < 10; round += 1) {
      const { orderId, buyer } = await placeOrder(orders);
      const expired = makeEnvelope('payment.window-closed', { orderId, reason: 'expired' });
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
