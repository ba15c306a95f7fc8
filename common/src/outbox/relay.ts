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
    do {
      this.again = false;
      try {
        while (this.running && (await this.publishBatch()) > 0);
      } catch (err) {
        this.options.logger.warn({ err }, 'outbox relay could not publish; will retry');
      }
    } while (this.again && this.running);
  }

  /** Publishes one batch; returns how many rows it sent. Exposed for tests. */
  async publishBatch(): Promise<number> {
    const client = await this.options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ seq: number; envelope: Envelope }>(
        'SELECT seq, envelope FROM outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED',
        [this.options.batchSize ?? 100],
      );
      for (const row of rows) await this.options.bus.publishEnvelope(row.envelope);
      if (rows.length > 0) {
        await client.query('DELETE FROM outbox WHERE seq = ANY($1::bigint[])', [rows.map((r) => r.seq)]);
      }
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
