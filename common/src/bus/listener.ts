import type { Envelope, EventData, Subject } from '../events/catalog';

/**
 * A durable consumer of one subject. Subclasses apply the event in one database transaction and
 * return; the bus acks afterwards. Throw RetryLaterError when the event arrived before one it depends on.
 */
export abstract class Listener<S extends Subject> {
  abstract readonly subject: S;
  /** Durable consumer name, unique per service and subject, e.g. "orders.ticket-created". */
  abstract readonly durableName: string;
  /** Deliveries before a message whose handler keeps throwing is dead-lettered (default 10). */
  readonly maxDeliver?: number;
  /** Deliveries before a message that keeps asking to RetryLater is dead-lettered (default 120). */
  readonly maxWaits?: number;
  readonly ackWaitMs?: number;
  abstract onMessage(data: EventData<S>, envelope: Envelope<S>): Promise<void>;
}

/** The event is valid but cannot be applied yet (e.g. a version from the future): nak, it comes back. */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs = 200,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
