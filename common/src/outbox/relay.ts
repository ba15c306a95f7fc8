import type pg from 'pg';
import type { Bus } from '../bus/bus';
import type { Envelope } from '../events/catalog';
import type { Logger } from '../logger';
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
  private readonly onRecorded = () => this.wake();
  private timer?: NodeJS.Timeout;
  private running = false;
  private draining?: Promise<void>;
  private again = false;

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    this.running = true;
    outboxSignal.on('recorded', this.onRecorded);
    this.schedule();
    this.wake();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.options.pollIntervalMs ?? 500);
    this.timer.unref();
  }

  /** Starts a drain, or asks the running one to go round again. */
  wake(): void {
    if (!this.running) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
    });
  }

  private async drainLoop(): Promise<void> {
    const batchSize = this.batchSize();
    do {
      this.again = false;
      try {
        // A short batch means the table is drained (or the rest is locked by another replica): no empty
        // round to prove it. A commit meanwhile sets `again`.
        while (this.running && (await this.publishBatch()) === batchSize);
      } catch (err) {
        this.options.logger.warn({ err }, 'outbox relay could not publish; will retry');
      }
    } while (this.again && this.running);
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
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    outboxSignal.off('recorded', this.onRecorded);
    await this.draining;
  }
}
