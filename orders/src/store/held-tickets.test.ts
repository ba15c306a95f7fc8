import { HeldTickets } from './held-tickets';

describe('HeldTickets', () => {
  const seller = 'seller';
  const buyer = 'buyer';

  it('refuses a buyer of a ticket the database said is held, until heldForMs has passed', () => {
    const held = new HeldTickets(1000);
    held.held('t1', seller, held.mark(), 0);
    expect(held.refuses('t1', buyer, 999)).toBe(true);
    expect(held.refuses('t1', buyer, 1000)).toBe(false);
    expect(held.refuses('t1', buyer, 500)).toBe(false); // forgotten once expired
  });

  it('refuses nothing about a ticket it was not told of', () => {
    expect(new HeldTickets().refuses('t1', buyer)).toBe(false);
  });

  it("sends the seller's own order to the database (which answers 403, not 409)", () => {
    const held = new HeldTickets();
    held.held('t1', seller, held.mark());
    expect(held.refuses('t1', seller)).toBe(false);
    expect(held.refuses('t1', buyer)).toBe(true);
  });

  it('asks the database again once an order of the ticket changed in this process', () => {
    const held = new HeldTickets();
    held.held('t1', seller, held.mark());
    held.forget('t1');
    expect(held.refuses('t1', buyer)).toBe(false);
  });

  it('does not learn an answer read before an order of that ticket changed here', () => {
    const held = new HeldTickets();
    const before = held.mark();
    held.forget('t1');
    held.held('t1', seller, before);
    expect(held.refuses('t1', buyer)).toBe(false);
    held.held('t1', seller, held.mark());
    expect(held.refuses('t1', buyer)).toBe(true);
  });

  it('learns other tickets from a batch read before an unrelated change', () => {
    const held = new HeldTickets();
    const before = held.mark();
    held.forget('t2');
    held.held('t1', seller, before);
    expect(held.refuses('t1', buyer)).toBe(true);
  });

  it('keeps at most `capacity` tickets, dropping the oldest first', () => {
    const held = new HeldTickets(1000, 2);
    for (const id of ['t1', 't2', 't3']) held.held(id, seller, held.mark(), 0);
    expect(['t1', 't2', 't3'].map((id) => held.refuses(id, buyer, 1))).toEqual([false, true, true]);
  });
});
