import { createHash } from 'node:crypto';

// A fixed namespace for this service's name-based UUIDs (RFC 9562, version 5).
const NAMESPACE = Buffer.from('6f1d2a4e8b3c4d5e9f0a1b2c3d4e5f60', 'hex');

/** UUIDv5 of a name in NAMESPACE: the same input always gives the same uuid. */
export function uuidV5(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The envelope id of an order's expiration.complete: a retried job re-publishes the same id, which the bus drops. */
export const expirationEventId = (orderId: string): string => uuidV5(`expiration.complete:${orderId}`);
