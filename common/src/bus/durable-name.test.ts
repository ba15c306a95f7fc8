import { durableName } from './durable-name';

describe('durableName', () => {
  it.each([
    // Every consumer that exists in a deployment keeps its name.
    ['tickets', 'order.created', 'tickets.order.created'],
    ['tickets', 'order.updated', 'tickets.order.updated'],
    ['orders', 'ticket.created', 'orders.ticket.created'],
    ['orders', 'ticket.updated', 'orders.ticket.updated'],
    ['orders', 'expiration.complete', 'orders.expiration.complete'],
    ['orders', 'payment.created', 'orders.payment.created'],
    ['expiration', 'order.created', 'expiration.order-created'],
    ['payments', 'order.created', 'payments.order-created'],
    ['payments', 'order.updated', 'payments.order-updated'],
    ['payments', 'expiration.complete', 'payments.expiration-complete'],
  ] as const)('names the %s listener on %s "%s", as deployed', (service, subject, expected) => {
    expect(durableName(service, subject)).toBe(expected);
  });

  it('derives a new listener name from service and subject', () => {
    expect(durableName('notifications', 'order.updated')).toBe('notifications.order.updated');
  });
});
