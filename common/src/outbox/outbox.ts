import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { makeEnvelope } from '../bus/bus';
import { afterCommit } from '../db/pool';
import type { Envelope, EventData, Subject } from '../events/catalog';

/** Emits 'recorded' when a transaction that recorded events commits, waking this process's relay. */
export const outboxSignal = new EventEmitter();

/**
 * Records an event inside the caller's transaction: it is published if and only if the transaction
 * commits. On commit (through withTransaction) the relay in this process is woken at once; other
 * replicas and transactions managed by hand are covered by the relay's poll.
 *
 * Not pg_notify: a NOTIFY makes PostgreSQL serialise the commits that send one, which halved the
 * order-placing throughput in a measurement.
 */
export async function recordEvent<S extends Subject>(
  client: pg.ClientBase,
  subject: S,
  data: EventData<S>,
  id?: string,
): Promise<Envelope<S>> {
  const { envelope, values } = outboxRow(subject, data, id);
  await client.query('INSERT INTO outbox (id, subject, envelope) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
    ...values,
  ]);
  afterCommit(client, eventsCommitted);
  return envelope;
}

/**
 * For a write that inserts its own outbox row inside one statement, committed without BEGIN/COMMIT
 * (placing an order: one round trip instead of four, see docs/performance.md). Insert `outboxRow` as
 * (id, subject, envelope) in the same statement, then call `eventsCommitted()` once it has succeeded.
 */
export function outboxRow<S extends Subject>(subject: S, data: EventData<S>, id?: string) {
  const envelope = makeEnvelope(subject, data, id);
  return { envelope, values: [envelope.id, subject, JSON.stringify(envelope)] as const };
}

/** Wakes this process's relay after a write recorded events outside withTransaction. */
export function eventsCommitted(): void {
  outboxSignal.emit('recorded');
}
