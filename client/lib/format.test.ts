import { orderDisplayStatus, ticketDisplayStatus } from './format';
import type { Order } from './types';

describe('ticketDisplayStatus', () => {
  const now = Date.parse('2026-12-03T20:00:00Z');

  it.each([
    ['available', '2026-12-03T19:59:59Z', 'started'],
    ['available', '2026-12-03T20:00:00Z', 'started'],
    ['available', '2026-12-03T21:00:00+01:00', 'started'],
    ['available', '2026-12-03T20:00:01Z', 'available'],
    ['available', null, 'available'],
    ['sold', '2026-12-01T20:00:00Z', 'sold'],
    ['reserved', '2026-12-01T20:00:00Z', 'reserved'],
    ['withdrawn', '2026-12-01T20:00:00Z', 'withdrawn'],
  ] as const)('shows an %s ticket starting %s as %s', (status, startsAt, shown) => {
    expect(ticketDisplayStatus({ status, startsAt }, now)).toBe(shown);
  });
});

describe('orderDisplayStatus', () => {
  const now = Date.parse('2026-12-03T20:00:00Z');
  const order = (status: Order['status'], cancelReason: Order['cancelReason'], expiresAt = '2026-12-03T20:10:00Z') =>
    ({
      id: 'o',
      userId: 'u',
      status,
      expiresAt,
      createdAt: '2026-12-03T19:55:00Z',
      ticket: { id: 't', title: 'Gig', price: 10, venue: null, startsAt: null },
      version: 1,
      cancelReason,
    }) satisfies Order;

  it.each([
    ['created', null, 'awaiting-payment'],
    ['complete', null, 'complete'],
    ['cancelled', 'buyer', 'cancelled'],
    ['cancelled', 'expired', 'expired'],
    ['cancelled', 'withdrawn', 'withdrawn'],
  ] as const)('shows a %s order (reason %s) as %s', (status, reason, shown) => {
    expect(orderDisplayStatus(order(status, reason), now)).toBe(shown);
  });

  it('shows an order whose seller withdrew the ticket as withdrawn, even if the page saw its window run out', () => {
    expect(orderDisplayStatus(order('cancelled', 'withdrawn', '2026-12-03T19:59:00Z'), now, true)).toBe('withdrawn');
  });
});
