import type pg from 'pg';
import type { Bus } from '../bus/bus';
import type { Envelope } from '../events/catalog';
import type { Logger } from '../logger';
import { WakeableLoop } from '../db/wakeable-loop';
import { outboxSignal } from './outbox';

export interface RelayOptions {
  pool: pg.Pool;
  bus: Pick<Bus, 'publishEnvelope'>;
  logger: Logger;
  /** Poll for rows this process was not told about (other replicas, a restart); default 500 ms. */
  pollIntervalMs?: number;
  batchSize?: number;
}

/**
 * Publishes outbox rows in order and deletes them once JetStream has acknowledged them. Rows are
 * locked with SKIP LOCKED, so replicas share the work; a crash after publish and before delete
 * re-publishes the same id, which JetStream's duplicate window drops.
 */
export class OutboxRelay {
  private readonly loop: WakeableLoop;

  constructor(private readonly options: RelayOptions) {
    this.loop = new WakeableLoop({
      wakeOn: { signal: outboxSignal, event: 'recorded' },
      pollIntervalMs: options.pollIntervalMs ?? 500,
      // A short batch means the table is drained (or the rest is locked by another replica): no empty
      // round to prove it. A commit meanwhile asks for another round.
      round: async () => {
        const batchSize = this.batchSize();
        while (this.loop.running && (await this.publishBatch()) === batchSize);
      },
      onError: (err) => this.options.logger.warn({ err }, 'outbox relay could not publish; will retry'),
    });
  }

  async start(): Promise<void> {
    this.loop.start();
  }

  /** Starts a drain, or asks the running one to go round again. */
  wake(): void {
    this.loop.wake();
  }

  private batchSize(): number {
    return Math.max(1, Math.floor(this.options.batchSize ?? 100));
  }

  /**
   * Publishes one batch; returns how many rows it sent. Exposed for tests. Two round trips: BEGIN with a
   * DELETE … RETURNING of the oldest unlocked rows, then COMMIT once JetStream has acknowledged them all
   * (sent back to back, in order; a failure rolls the rows back for the next round).
   */
  async publishBatch(): Promise<number> {
    const client = await this.options.pool.connect();
    try {
      const [, deleted] = (await client.query(
        `BEGIN; DELETE FROM outbox WHERE seq IN (
           SELECT seq FROM outbox ORDER BY seq LIMIT ${this.batchSize()} FOR UPDATE SKIP LOCKED
         ) RETURNING seq, envelope`,
      )) as unknown as [unknown, { rows: { seq: number; envelope: Envelope }[] }];
      const rows = deleted.rows.sort((a, b) => a.seq - b.seq);
      await Promise.all(rows.map((row) => this.options.bus.publishEnvelope(row.envelope)));
      await client.query('COMMIT');
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
