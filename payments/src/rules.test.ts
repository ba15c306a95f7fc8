import type { OrderStatus } from '@microtick/common';
import { chargeRefusal } from './rules';

const now = Date.parse('2026-12-02T10:00:00Z');
const inAMinute = new Date(now + 60_000);
const aMinuteAgo = new Date(now - 60_000);

describe('payments rules', () => {
  it.each<[OrderStatus, boolean, Date, ReturnType<typeof chargeRefusal>]>([
    ['created', false, inAMinute, undefined],
    ['created', false, aMinuteAgo, 'expired'],
    ['created', false, new Date(now), 'expired'],
    ['created', true, inAMinute, 'paid'],
    ['complete', false, inAMinute, 'paid'],
    ['complete', true, aMinuteAgo, 'paid'],
    ['cancelled', false, inAMinute, 'cancelled'],
    ['cancelled', true, aMinuteAgo, 'cancelled'],
  ])('charging a %s order (paid by another charge: %s, window ends %s): %s', (status, paid, expiresAt, expected) => {
    expect(chargeRefusal({ status, paidByAnotherCharge: paid, expiresAt }, now)).toBe(expected);
  });
});
