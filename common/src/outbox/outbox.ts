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
  const envelope = makeEnvelope(subject, data, id);
  await client.query('INSERT INTO outbox (id, subject, envelope) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
    envelope.id,
    subject,
    JSON.stringify(envelope),
  ]);
  afterCommit(client, () => outboxSignal.emit('recorded'));
  return envelope;
}

/** The outbox columns of some events, as arrays a statement inserts with unnest or by position. */
export interface OutboxColumns {
  ids: string[];
  subjects: Subject[];
  envelopes: string[];
}

/**
 * For a write that inserts its own outbox rows inside one statement, committed without BEGIN/COMMIT
 * (placing an order, keeping a charge: one round trip instead of four, see docs/performance.md). The
 * events are built and validated here, once; `statement` inserts `outbox` as (id, subject, envelope)
 * for those it keeps, and the relay is woken when it returns.
 */
export async function recordInStatement<R>(
  events: Envelope[],
  statement: (outbox: OutboxColumns) => Promise<R>,
): Promise<R> {
  try {
    return await statement({
      ids: events.map((e) => e.id),
      subjects: events.map((e) => e.subject),
      envelopes: events.map((e) => JSON.stringify(e)),
    });
  } finally {
    outboxSignal.emit('recorded');
  }
}
