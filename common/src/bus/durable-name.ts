import type { Subject } from '../events/catalog';

/**
 * Consumers created before names were derived, kept as they are: a renamed durable is a new consumer,
 * which would replay the whole stream and lose the processed-events records kept under the old name.
 */
const EXISTING_NAMES: Record<string, string> = {
  'expiration.order.created': 'expiration.order-created',
  'payments.order.created': 'payments.order-created',
  'payments.order.updated': 'payments.order-updated',
  'payments.expiration.complete': 'payments.expiration-complete',
};

/** The durable consumer name of a service's listener on one subject, e.g. "orders.ticket.created". */
export function durableName(service: string, subject: Subject): string {
  const derived = `${service}.${subject}`;
  return EXISTING_NAMES[derived] ?? derived;
}
