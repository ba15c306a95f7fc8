import type pg from 'pg';
import type { Envelope, EventData, Subject } from '../events/catalog';
import { applyOnce } from '../outbox/inbox';
import { durableName } from './durable-name';

/**
 * A durable consumer of one subject, as the bus runs it: the bus parses and validates each message
 * against the catalog, calls onMessage, acks when it resolves, and retries or dead-letters when it
 * throws. Throw RetryLaterError when the event arrived before one it depends on.
 * A service's listener is written with `defineListener` or `defineInboxListener` (below), which own the
 * name and the options, so that its file holds only the decision; a test or bench may still subclass.
 */
export abstract class Listener<S extends Subject> {
  abstract readonly subject: S;
  /** Durable consumer name, unique per service and subject, e.g. "orders.ticket.created". */
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

/** What a service's listener may set besides its decision; the durable name comes from durableName(). */
export type ListenerOptions = Pick<Listener<Subject>, 'maxDeliver' | 'maxWaits' | 'ackWaitMs'>;

class DefinedListener<S extends Subject> extends Listener<S> {
  readonly durableName: string;
  override readonly maxDeliver?: number;
  override readonly maxWaits?: number;
  override readonly ackWaitMs?: number;

  constructor(
    service: string,
    readonly subject: S,
    private readonly handle: (data: EventData<S>, envelope: Envelope<S>, durableName: string) => Promise<void>,
    options: ListenerOptions,
  ) {
    super();
    this.durableName = durableName(service, subject);
    this.maxDeliver = options.maxDeliver;
    this.maxWaits = options.maxWaits;
    this.ackWaitMs = options.ackWaitMs;
  }

  onMessage(data: EventData<S>, envelope: Envelope<S>): Promise<void> {
    return this.handle(data, envelope, this.durableName);
  }
}

/**
 * `service`'s listener on `subject`: `handle` is its decision, run for every delivery (so it must be
 * idempotent by itself, e.g. an insert that ignores a duplicate or a version rule).
 */
export function defineListener<S extends Subject>(
  service: string,
  subject: S,
  handle: (data: EventData<S>, envelope: Envelope<S>) => Promise<unknown>,
  options: ListenerOptions = {},
): Listener<S> {
  return new DefinedListener(service, subject, async (data, envelope) => void (await handle(data, envelope)), options);
}

/**
 * `service`'s listener on `subject` whose decision runs once per event id: in one transaction with the
 * inbox row (applyOnce, keyed by the durable name), so a redelivery after a commit changes nothing.
 */
export function defineInboxListener<S extends Subject>(
  pool: pg.Pool,
  service: string,
  subject: S,
  handle: (client: pg.PoolClient, data: EventData<S>, envelope: Envelope<S>) => Promise<void>,
  options: ListenerOptions = {},
): Listener<S> {
  return new DefinedListener(
    service,
    subject,
    async (data, envelope, consumer) => {
      await applyOnce(pool, consumer, envelope.id, (client) => handle(client, data, envelope));
    },
    options,
  );
}
