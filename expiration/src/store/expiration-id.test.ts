import { randomUUID } from 'node:crypto';
import { expirationEventId, uuidV5 } from './expiration-id';

describe('expirationEventId', () => {
  it('gives the same version-5 uuid for the same order and different ones for different orders', () => {
    const orderId = randomUUID();
    expect(expirationEventId(orderId)).toBe(expirationEventId(orderId));
    expect(expirationEventId(orderId)).not.toBe(expirationEventId(randomUUID()));
    expect(expirationEventId(orderId)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('matches the RFC 9562 layout for a known namespace and name', () => {
    // Python: uuid.uuid5(uuid.UUID('6f1d2a4e-8b3c-4d5e-9f0a-1b2c3d4e5f60'), 'hello')
    expect(uuidV5('hello')).toBe('628ecbdd-7921-5845-aef8-975391095f77');
  });
});
