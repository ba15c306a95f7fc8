import { randomUUID } from 'node:crypto';
import { TicketPrices } from './ticket-prices';

describe('TicketPrices', () => {
  it('knows what it was told last, forgets on demand, and keeps at most its capacity (oldest out first)', () => {
    const prices = new TicketPrices(2);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const seller = randomUUID();
    prices.remember(a, { priceCents: 100, sellerId: seller });
    prices.remember(b, { priceCents: 200, sellerId: seller });
    prices.remember(a, { priceCents: 150, sellerId: seller }); // a is now the newest
    prices.remember(c, { priceCents: 300, sellerId: seller }); // b goes

    expect(prices.get(a)).toEqual({ priceCents: 150, sellerId: seller });
    expect(prices.get(b)).toBeUndefined();
    expect(prices.get(c)).toEqual({ priceCents: 300, sellerId: seller });
    prices.forget(c);
    expect(prices.get(c)).toBeUndefined();
  });
});
