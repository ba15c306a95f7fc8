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
