import { randomUUID } from 'node:crypto';
import type { OrderStatus } from '@microtick/common';
import { cancellationStep, orderChange, placementOutcome, versionRule, type OrderEvent } from './rules';

describe('orders rules', () => {
  it.each<[OrderStatus, OrderEvent, ReturnType<typeof orderChange>]>([
    ['created', 'buyer cancels', { status: 'cancelled', reason: 'buyer' }],
    ['created', 'window ends', { status: 'cancelled', reason: 'expired' }],
    ['created', 'ticket withdrawn', { status: 'cancelled', reason: 'withdrawn' }],
    ['complete', 'ticket withdrawn', 'unchanged'],
    ['created', 'payment arrives', { status: 'complete' }],
    ['cancelled', 'buyer cancels', 'unchanged'],
    ['cancelled', 'window ends', 'unchanged'],
    ['cancelled', 'payment arrives', 'unchanged'],
    ['complete', 'buyer cancels', 'refused'],
    ['complete', 'window ends', 'unchanged'],
    ['complete', 'payment arrives', 'unchanged'],
  ])('a %s order when the %s: %j', (status, event, expected) => {
    expect(orderChange(status, event)).toEqual(expected);
  });

  const buyer = randomUUID();
  it.each([
    ['a ticket of someone else, row inserted', { sellerId: randomUUID() }, true, 'placed'],
    ['a ticket of someone else, held already', { sellerId: randomUUID() }, false, 'reserved'],
    ["the buyer's own ticket", { sellerId: buyer }, false, 'own ticket'],
    ['an unknown ticket', undefined, false, 'unknown ticket'],
  ] as const)('placing an order for %s: %s', (_case, ticket, inserted, expected) => {
    expect(placementOutcome({ ticket, buyerId: buyer, inserted })).toBe(expected);
  });

  it('refuses an order for a ticket whose event has started', () => {
    expect(
      placementOutcome({ ticket: { sellerId: randomUUID() }, buyerId: buyer, eventStarted: true, inserted: false }),
    ).toBe('event started');
  });

  it('refuses a buyer who let the ticket go less than the cool-down ago', () => {
    expect(
      placementOutcome({ ticket: { sellerId: randomUUID() }, buyerId: buyer, coolingDown: true, inserted: false }),
    ).toBe('cooling down');
  });

  it.each([
    [3, 4, 'apply'],
    [0, 1, 'apply'],
    [3, 3, 'stale'],
    [3, 1, 'stale'],
    [3, 5, 'future'],
    [undefined, 1, 'unknown'],
  ] as const)('a replica at version %s, event version %s: %s', (replica, event, expected) => {
    expect(versionRule(replica, event)).toBe(expected);
  });
});

describe("a buyer's cancel", () => {
  it.each([
    ['an open order', 'created', null, 'ask the judge'],
    ['an open order whose cancel was asked already', 'created', new Date(), 'wait for the verdict'],
    ['a cancelled order', 'cancelled', null, 'cancelled'],
    ['a cancelled order whose cancel was asked', 'cancelled', new Date(), 'cancelled'],
    ['a complete order', 'complete', null, 'refused'],
    ['an order that completed while its cancel waited', 'complete', new Date(), 'refused'],
  ] as const)('%s: %s', (_case, status, cancelRequestedAt, expected) => {
    expect(cancellationStep({ status, cancelRequestedAt })).toBe(expected);
  });
});
