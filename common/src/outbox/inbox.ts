import type pg from 'pg';
import { withTransaction } from '../db/pool';

/**
 * Applies an event at most once per consumer: records the event id and runs fn in the same
 * transaction. Returns false, changing nothing, when this consumer already applied the event.
 * If fn throws, nothing is recorded and the event will be redelivered.
 */
export async function applyOnce(
  pool: pg.Pool,
  consumer: string,
  eventId: string,
  fn: (client: pg.PoolClient) => Promise<void>,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [consumer, eventId],
    );
    if (rowCount === 0) return false;
    await fn(client);
    return true;
  });
}
