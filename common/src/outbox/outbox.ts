import type pg from 'pg';
import { makeEnvelope } from '../bus/bus';
import type { Envelope, EventData, Subject } from '../events/catalog';

export const OUTBOX_CHANNEL = 'microtick_outbox';

/**
 * Records an event inside the caller's transaction: it is published if and only if the transaction
 * commits. The NOTIFY is delivered on commit and wakes the relay at once.
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
  await client.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  return envelope;
}
