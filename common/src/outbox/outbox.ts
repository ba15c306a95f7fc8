import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { makeEnvelope } from '../bus/bus';
import { afterCommit, queryKeepingConnection } from '../db/pool';
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

/** A parameterised statement; `name` makes PostgreSQL parse and plan it once per connection. */
export interface Statement {
  name?: string;
  text: string;
  values: unknown[];
}

/**
 * Runs one data-modifying statement (an INSERT … VALUES that always writes its row, or fails) together
 * with the outbox row of its event, as a single statement outside any explicit transaction: both rows
 * commit or neither does, in one round trip instead of BEGIN, two INSERTs and COMMIT. On the hot path
 * of placing an order those round trips were most of the service's CPU time (measured; see
 * docs/performance.md). Wakes this process's relay on success.
 */
export async function writeWithEvent<S extends Subject>(
  pool: pg.Pool,
  change: Statement,
  subject: S,
  data: EventData<S>,
  id?: string,
): Promise<Envelope<S>> {
  const envelope = makeEnvelope(subject, data, id);
  const n = change.values.length;
  await queryKeepingConnection(pool, {
    name: change.name && `${change.name}+outbox`,
    text: `WITH change AS (${change.text})
           INSERT INTO outbox (id, subject, envelope) VALUES ($${n + 1}, $${n + 2}, $${n + 3})`,
    values: [...change.values, envelope.id, subject, JSON.stringify(envelope)],
  });
  outboxSignal.emit('recorded');
  return envelope;
}
