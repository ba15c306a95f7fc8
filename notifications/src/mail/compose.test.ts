import { composeEmail, type ReadyStory } from './compose';

const APP = 'https://microtick.example';

const story = (overrides: Partial<ReadyStory> = {}): ReadyStory => ({
  id: '3279c96e-5326-46a2-8ba5-51feea62d2aa',
  status: 'complete',
  cancelReason: null,
  closedAt: new Date('2026-12-02T11:37:00Z'),
  expiresAt: new Date('2026-12-02T11:38:00Z'),
  priceCents: 123_450,
  buyer: { id: 'buyer', email: 'buyer@example.com' },
  seller: { id: 'seller', email: 'seller@example.com' },
  ticket: { id: 'ticket-1', title: 'Quiet piano evening', venue: null, startsAt: null, seat: null },
  payment: { amountCents: 123_450, paidAt: new Date('2026-12-02T11:37:00Z') },
  ...overrides,
});

describe('composeEmail', () => {
  it('tells the seller the sale is paid out to their payout account, and links to Get paid', () => {
    const email = composeEmail('sold', story(), 'seller@example.com', APP);
    expect(email.text).toContain('Good news: your ticket sold for $1,234.50.');
    expect(email.text).toMatch(/payout account/);
    expect(email.text).toContain(`${APP}/get-paid`);
    expect(email.html).toContain(`href="${APP}/get-paid"`);
  });

  it('does not promise a buyer whose hold expired that they can order the ticket again at once', () => {
    // Orders refuses a buyer who let a ticket go for a cool-down (ORDER_REORDER_COOLDOWN_SECONDS).
    const email = composeEmail(
      'hold-expired',
      story({ status: 'cancelled', cancelReason: 'expired', payment: null }),
      'buyer@example.com',
      APP,
    );
    expect(email.text).not.toMatch(/at any time/);
    expect(email.text).toMatch(/after a short wait/);
    expect(email.text).toContain(`${APP}/tickets/ticket-1`);
  });

  it('links the receipt back to the order', () => {
    const email = composeEmail('receipt', story(), 'buyer@example.com', APP);
    expect(email.text).toContain(`See your order: ${APP}/orders/3279c96e-5326-46a2-8ba5-51feea62d2aa`);
    expect(email.text).toContain('Paid: $1,234.50');
  });
});
