import { randomUUID } from 'node:crypto';
import { validateEventData, type EventData, type Subject } from '@microtick/common';

/**
 * Valid payloads for every subject of the event catalog, for tests to publish or apply. Typed by the
 * catalog (a new subject does not compile until it has defaults here) and validated against it, so a
 * factory never builds an event a service would refuse.
 */
const defaults: { [S in Subject]: () => EventData<S> } = {
  'ticket.created': () => ({
    id: randomUUID(),
    title: `Concert ${randomUUID().slice(0, 8)}`,
    price: 2500,
    userId: randomUUID(),
    version: 0,
    venue: null,
    startsAt: null,
    seat: null,
  }),
  'ticket.updated': () => ({ ...defaults['ticket.created'](), version: 1, orderId: null, status: 'available' }),
  'order.created': () => ({
    id: randomUUID(),
    userId: randomUUID(),
    status: 'created',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: randomUUID(), price: 2500, sellerId: randomUUID() },
    version: 0,
  }),
  'order.updated': () => ({
    id: randomUUID(),
    userId: randomUUID(),
    status: 'cancelled',
    ticket: { id: randomUUID() },
    version: 1,
    cancelReason: 'buyer',
  }),
  'expiration.complete': () => ({ orderId: randomUUID() }),
  'payment.created': () => ({
    id: randomUUID(),
    orderId: randomUUID(),
    amount: 2500,
    providerPaymentId: `pi_${randomUUID().replace(/-/g, '')}`,
  }),
  'payment.window-closed': () => ({ orderId: randomUUID(), reason: 'expired' }),
  'order.cancellation-requested': () => ({ orderId: randomUUID(), reason: 'buyer' }),
  'user.created': () => ({ id: randomUUID(), email: `user-${randomUUID()}@example.com`, version: 0 }),
  'user.session-revoked': () => ({ userId: randomUUID(), sessionIds: [randomUUID()] }),
};

export function eventData<S extends Subject>(subject: S, overrides: Partial<EventData<S>> = {}): EventData<S> {
  return validateEventData(subject, { ...defaults[subject](), ...overrides });
}

export const aTicketCreated = (overrides: Partial<EventData<'ticket.created'>> = {}) =>
  eventData('ticket.created', overrides);

/** The next ticket.updated of `ticket`: its fields, available, with the changes given. */
export const aTicketUpdated = (
  ticket: EventData<'ticket.created'>,
  overrides: Partial<EventData<'ticket.updated'>> & { version: number },
) => eventData('ticket.updated', { ...ticket, orderId: null, status: 'available', ...overrides });

export const anOrderCreated = (overrides: Partial<EventData<'order.created'>> = {}) =>
  eventData('order.created', overrides);

/** The order.updated that cancels (by its buyer unless `cancelReason` says otherwise) or completes `order`. */
export const anOrderUpdated = (
  order: EventData<'order.created'>,
  status: 'cancelled' | 'complete',
  version = 1,
  cancelReason: 'buyer' | 'expired' | 'withdrawn' = 'buyer',
) =>
  eventData('order.updated', {
    id: order.id,
    userId: order.userId,
    status,
    ticket: { id: order.ticket.id },
    version,
    cancelReason: status === 'cancelled' ? cancelReason : null,
  });
