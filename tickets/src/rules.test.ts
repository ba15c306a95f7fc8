import { randomUUID } from 'node:crypto';
import { editRefusal, keepsEventStarted, mayRelease, reservation, sale, withdrawRefusal } from './rules';

const seller = randomUUID();
const order = randomUUID();
const other = randomUUID();
const available = { userId: seller, status: 'available', orderId: null } as const;
const reservedBy = (orderId: string) => ({ userId: seller, status: 'reserved', orderId }) as const;
const soldTo = (orderId: string) => ({ userId: seller, status: 'sold', orderId }) as const;
const withdrawn = { userId: seller, status: 'withdrawn', orderId: null } as const;

describe('tickets rules', () => {
  it.each([
    ['the seller, available', available, seller, undefined],
    ['someone else, available', available, other, 'not the seller'],
    ['the seller, reserved', reservedBy(order), seller, 'reserved'],
    ['the seller, sold', soldTo(order), seller, 'sold'],
    ['someone else, sold', soldTo(order), other, 'not the seller'],
    ['the seller, withdrawn', withdrawn, seller, 'withdrawn'],
  ] as const)('editing as %s: %s', (_case, ticket, userId, expected) => {
    expect(editRefusal(ticket, userId)).toBe(expected);
  });

  const now = new Date('2027-05-01T20:00:00Z');
  it.each([
    ['a started event left as it is', '2027-05-01T19:00:00Z', undefined, true],
    ['a started event whose start is cleared', '2027-05-01T19:00:00Z', null, true],
    ['an event starting this very moment', '2027-05-01T22:00:00+02:00', undefined, true],
    ['a started event given a new start', '2027-05-01T19:00:00Z', '2027-06-01T20:00:00Z', false],
    ['an event still to come', '2027-05-01T21:00:00Z', undefined, false],
    ['an event still to come, start cleared', '2027-05-01T21:00:00Z', null, false],
    ['a listing without a start', null, undefined, false],
  ] as const)('an edit of %s keeps the event started: %s', (_case, startsAt, newStartsAt, expected) => {
    expect(keepsEventStarted({ startsAt }, newStartsAt, now)).toBe(expected);
  });

  it.each([
    ['the seller, available', available, seller, undefined],
    ['someone else, available', available, other, 'not the seller'],
    ['the seller, reserved', reservedBy(order), seller, 'reserved'],
    ['the seller, sold', soldTo(order), seller, 'sold'],
    ['the seller, withdrawn', withdrawn, seller, 'withdrawn'],
    ['someone else, withdrawn', withdrawn, other, 'withdrawn'],
  ] as const)('withdrawing as %s: %s', (_case, ticket, userId, expected) => {
    expect(withdrawRefusal(ticket, userId)).toBe(expected);
  });

  it.each([
    ['an available ticket', available, false, 'reserve'],
    ['an unknown ticket', undefined, false, 'wait for the ticket'],
    ['a ticket this order already holds', reservedBy(order), false, 'done'],
    ['a ticket another order holds', reservedBy(other), false, 'wait for the holder'],
    ['a ticket sold to another order', soldTo(other), false, 'wait for the holder'],
    ['a withdrawn ticket', withdrawn, false, 'done'],
    ['any ticket, for an order already cancelled', available, true, 'done'],
    ['an unknown ticket, for an order already cancelled', undefined, true, 'done'],
  ] as const)('order.created for %s: %s', (_case, ticket, cancelled, expected) => {
    expect(reservation(ticket, { id: order, cancelled })).toBe(expected);
  });

  it.each([
    ['held by the cancelled order', reservedBy(order), true],
    ['held by another order', reservedBy(other), false],
    ['available', available, false],
    ['sold to the cancelled order', soldTo(order), false],
    ['unknown', undefined, false],
  ] as const)('a cancellation frees a ticket %s: %s', (_case, ticket, expected) => {
    expect(mayRelease(ticket, order)).toBe(expected);
  });

  it.each([
    ['reserved by the order', reservedBy(order), 'sell'],
    ['already sold to the order', soldTo(order), 'done'],
    ['reserved by another order', reservedBy(other), 'wait for the reservation'],
    ['available', available, 'wait for the reservation'],
    ['unknown', undefined, 'wait for the reservation'],
  ] as const)('a completion for a ticket %s: %s', (_case, ticket, expected) => {
    expect(sale(ticket, order)).toBe(expected);
  });
});
