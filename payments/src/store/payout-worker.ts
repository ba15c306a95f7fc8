import { WakeableLoop, type Logger, type Pool } from '@microtick/common';
import type { PayoutGateway } from '../gateway';
import { payoutRetryDelayMs } from '../rules';
import {
  claimPayoutJobs,
  payoutSignal,
  recordCancelledBeforeTransfer,
  recordPayoutFailure,
  recordReversal,
  recordTransfer,
  type PayoutJob,
} from './earnings';

/** The idempotency keys derive from the earning, so every retry of its transfer (or reversal) is one at Stripe. */
export const transferIdempotencyKey = (earningId: string) => `transfer-${earningId}`;
export const reversalIdempotencyKey = (earningId: string) => `reversal-${earningId}`;

export interface PayoutWorkerOptions {
  pool: Pool;
  gateway: PayoutGateway;
  logger: Logger;
  /** Look for due work this process was not told about (other replicas, back-offs ending); default 1 s. */
  pollIntervalMs?: number;
  /** How long a claimed earning is left to its worker: longer than its provider calls can take. */
  leaseMs: number;
  batchSize?: number;
}

/**
 * Moves sellers' money from stored state: transfers earnings that are due, reverses those whose charge
 * was refunded. Like the outbox relay it is woken after a commit that made work due and polls for the
 * rest, and replicas share the work through the claim (SKIP LOCKED, then a lease). A call whose result is
 * lost (a crash, a timeout) is repeated after the lease with the same idempotency key: Stripe answers
 * with the transfer it already made, so a seller is never paid twice.
 */
export class PayoutWorker {
  private readonly loop: WakeableLoop;

  constructor(private readonly options: PayoutWorkerOptions) {
    const batchSize = options.batchSize ?? 10;
    this.loop = new WakeableLoop({
      wakeOn: { signal: payoutSignal, event: 'due' },
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      round: async () => {
        while (this.loop.running && (await this.runOnce()) >= batchSize);
      },
      onError: (err) => options.logger.warn({ err }, 'payout worker could not claim work; will retry'),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Claims and performs one batch; returns how many earnings it handled. Exposed for tests. */
  async runOnce(): Promise<number> {
    const jobs = await claimPayoutJobs(this.options.pool, this.options.batchSize ?? 10, this.options.leaseMs);
    await Promise.all(jobs.map((job) => this.perform(job)));
    return jobs.length;
  }

  private async perform(job: PayoutJob): Promise<void> {
    const { pool, logger } = this.options;
    try {
      if (job.kind === 'transfer') {
        const transferId = await this.transfer(job);
        logger.info(
          { earningId: job.id, orderId: job.orderId, transferId, amountCents: job.shareCents },
          'seller paid',
        );
        return;
      }
      if (!job.transferAttempted) {
        await recordCancelledBeforeTransfer(pool, job.id);
        logger.info({ earningId: job.id, orderId: job.orderId }, 'earning cancelled by a refund before any transfer');
        return;
      }
      // A transfer was (or may have been) made: the same key finds it, or makes it so it can be reversed.
      const providerTransferId = job.providerTransferId ?? (await this.transfer(job));
      const { providerReversalId } = await this.options.gateway.reverseTransfer({
        providerTransferId,
        idempotencyKey: reversalIdempotencyKey(job.id),
      });
      await recordReversal(pool, { earningId: job.id }, providerReversalId);
      logger.info({ earningId: job.id, orderId: job.orderId, providerReversalId }, 'transfer reversed after a refund');
    } catch (err) {
      const retryInMs = payoutRetryDelayMs(job.attempts);
      logger.warn({ err, earningId: job.id, kind: job.kind, retryInMs }, 'payout call failed; will retry');
      await recordPayoutFailure(pool, job.id, err instanceof Error ? err.message : String(err), retryInMs);
    }
  }

  private async transfer(job: PayoutJob): Promise<string> {
    if (!job.destination) throw new Error('the seller has no payout account');
    const { providerTransferId } = await this.options.gateway.transfer({
      earningId: job.id,
      orderId: job.orderId,
      amountCents: job.shareCents,
      currency: job.currency,
      destination: job.destination,
      providerPaymentId: job.providerPaymentId,
      idempotencyKey: transferIdempotencyKey(job.id),
    });
    await recordTransfer(this.options.pool, job.id, providerTransferId);
    return providerTransferId;
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
