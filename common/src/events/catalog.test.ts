import { randomUUID } from 'node:crypto';
import { eventSchemas } from './catalog';

const orderCreated = (ticket: Record<string, unknown>) => ({
  id: randomUUID(),
  userId: randomUUID(),
  status: 'created',
  expiresAt: new Date().toISOString(),
  ticket,
  version: 0,
});

describe('order.created', () => {
  it('carries the seller of the ticket', () => {
    const sellerId = randomUUID();
    const parsed = eventSchemas['order.created'].parse(orderCreated({ id: randomUUID(), price: 1500, sellerId }));
    expect(parsed.ticket.sellerId).toBe(sellerId);
  });

  it('still accepts an event recorded before the seller was carried, with sellerId null', () => {
    const parsed = eventSchemas['order.created'].parse(orderCreated({ id: randomUUID(), price: 1500 }));
    expect(parsed.ticket.sellerId).toBeNull();
  });

  it('rejects a sellerId that is not a uuid', () => {
    const result = eventSchemas['order.created'].safeParse(
      orderCreated({ id: randomUUID(), price: 1500, sellerId: 'someone' }),
    );
    expect(result.success).toBe(false);
  });
});

describe('order.updated', () => {
  const orderUpdated = (extra: Record<string, unknown>) => ({
    id: randomUUID(),
    userId: randomUUID(),
    status: 'cancelled',
    ticket: { id: randomUUID() },
    version: 1,
    ...extra,
  });

  it('carries why a cancelled order was cancelled', () => {
    expect(eventSchemas['order.updated'].parse(orderUpdated({ cancelReason: 'expired' })).cancelReason).toBe('expired');
  });

  it('still accepts an event recorded before the reason was carried, with cancelReason null', () => {
    expect(eventSchemas['order.updated'].parse(orderUpdated({})).cancelReason).toBeNull();
  });

  it('rejects a reason it does not know', () => {
    expect(eventSchemas['order.updated'].safeParse(orderUpdated({ cancelReason: 'seller' })).success).toBe(false);
  });
});

describe('user.created', () => {
  it('carries the new user and their email at version 0', () => {
    const user = { id: randomUUID(), email: 'ada@example.com', version: 0 };
    expect(eventSchemas['user.created'].parse(user)).toEqual(user);
  });

  it('rejects an address that is not an email', () => {
    expect(eventSchemas['user.created'].safeParse({ id: randomUUID(), email: 'ada', version: 0 }).success).toBe(false);
  });
});
