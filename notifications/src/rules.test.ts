import { emailsDue, missingFor, orderUpdateFits, recipientOf, type OrderFacts } from './rules';

const now = new Date('2026-12-02T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const closed = (facts: Partial<OrderFacts>): OrderFacts => ({
  status: 'complete',
  cancelReason: null,
  closedAt: new Date(now.getTime() - 60_000),
  ...facts,
});

describe('emailsDue', () => {
  it('sends the buyer a receipt and the seller a "sold" email when an order completes', () => {
    expect(emailsDue(closed({ status: 'complete' }), now, DAY)).toEqual(['receipt', 'sold']);
  });

  it('tells the buyer their hold expired when the order was cancelled because its window ended', () => {
    expect(emailsDue(closed({ status: 'cancelled', cancelReason: 'expired' }), now, DAY)).toEqual(['hold-expired']);
  });

  it('sends nothing when the buyer cancelled, or when the event did not say why', () => {
    expect(emailsDue(closed({ status: 'cancelled', cancelReason: 'buyer' }), now, DAY)).toEqual([]);
    expect(emailsDue(closed({ status: 'cancelled', cancelReason: null }), now, DAY)).toEqual([]);
  });

  it('sends nothing for an open order', () => {
    expect(emailsDue({ status: 'created', cancelReason: null, closedAt: null }, now, DAY)).toEqual([]);
  });

  it('sends nothing about an order closed longer ago than the age limit (a replay of history)', () => {
    const old = closed({ closedAt: new Date(now.getTime() - DAY - 1) });
    expect(emailsDue(old, now, DAY)).toEqual([]);
    expect(emailsDue(closed({ closedAt: new Date(now.getTime() - DAY) }), now, DAY)).toEqual(['receipt', 'sold']);
  });
});

describe('recipientOf', () => {
  it('writes the "sold" email to the seller and the others to the buyer', () => {
    expect(recipientOf('sold')).toBe('seller');
    expect(recipientOf('receipt')).toBe('buyer');
    expect(recipientOf('hold-expired')).toBe('buyer');
  });
});

describe('missingFor', () => {
  const all = { recipientEmail: true, ticket: true, payment: true };

  it('is ready when the address, the ticket and (for a receipt) the payment are known', () => {
    expect(missingFor('receipt', all)).toEqual([]);
    expect(missingFor('sold', { ...all, payment: false })).toEqual([]);
    expect(missingFor('hold-expired', { ...all, payment: false })).toEqual([]);
  });

  it('names what an email still waits for', () => {
    expect(missingFor('receipt', { recipientEmail: false, ticket: false, payment: false })).toEqual([
      "the buyer's address",
      'the ticket',
      'the payment',
    ]);
    expect(missingFor('sold', { ...all, recipientEmail: false })).toEqual(["the seller's address"]);
  });
});

describe('orderUpdateFits', () => {
  it('applies the next version, calls an old one a repeat, and waits for one from the future', () => {
    expect(orderUpdateFits(0, 1)).toBe('apply');
    expect(orderUpdateFits(1, 1)).toBe('repeat');
    expect(orderUpdateFits(0, 2)).toBe('wait');
  });

  it('waits when the order is not known yet (its order.created is behind)', () => {
    expect(orderUpdateFits(undefined, 1)).toBe('wait');
  });
});
