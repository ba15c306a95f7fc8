import { WakeableLoop, type Logger, type Pool } from '@microtick/common';

/**
 * Marks the listings whose event has started, so the list's indexes leave them out. A ticket written after
 * its start is marked by that write (updateTicketIfVersion); this finds the ones nobody wrote since. In
 * start order through the soonest-first index, which marked tickets leave: the planner cannot tell from
 * the table's statistics that few unmarked tickets have a start behind them, and without the order and the
 * limit it read every ticket on sale for them.
 */
export const MARK_STARTED_EVENTS = `UPDATE tickets SET event_started = true
  WHERE id = ANY(ARRAY(
    SELECT id FROM tickets WHERE status = 'available' AND NOT event_started AND starts_at <= now()
    ORDER BY starts_at, id LIMIT $1
  ))`;

/** Marks up to `limit` listings whose event has started; returns how many. */
export async function markStartedEvents(pool: Pool, limit: number): Promise<number> {
  const { rowCount } = await pool.query(MARK_STARTED_EVENTS, [limit]);
  return rowCount ?? 0;
}

export interface StartedEventsSweepOptions {
  pool: Pool;
  logger: Logger;
  /** How often to look; the list compares starts with now() meanwhile, so this only bounds its reads. */
  intervalMs?: number;
  batchSize?: number;
}

/** Runs markStartedEvents every minute in every replica (marking twice is harmless). */
export class StartedEventsSweep {
  private readonly loop: WakeableLoop;

  constructor(options: StartedEventsSweepOptions) {
    const batchSize = options.batchSize ?? 1000;
    this.loop = new WakeableLoop({
      // Nothing wakes it early: an event's start is a time, not a commit.
      pollIntervalMs: options.intervalMs ?? 60_000,
      round: async () => {
        while (this.loop.running && (await markStartedEvents(options.pool, batchSize)) >= batchSize);
      },
      onError: (err) => options.logger.warn({ err }, 'could not mark listings whose event started; will retry'),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
