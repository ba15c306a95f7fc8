import { Listener, withTransaction, type EventData, type Logger, type Pool, durableName } from '@microtick/common';
import { chargeDecision } from '../rules';
import { applyOrderUpdate } from '../store/orders';
import { markForRefund } from '../store/payments';
import type { PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';
import { recordEarning } from '../store/earnings';

export class OrderUpdatedListener extends Listener<'order.updated'> {
  readonly subject = 'order.updated' as const;
  readonly durableName = durableName('payments', this.subject);

  constructor(
    private readonly pool: Pool,
    private readonly gateway: PaymentGateway,
    private readonly logger: Logger,
    private readonly platformFeeBps: number,
  ) {
    super();
  }

  /**
   * A cancelled order keeps no payment: one that succeeded (the expiry raced the payment) is marked for
   * refund in the same transaction as the replica update, then refunded. If the refund fails the event is
   * redelivered; the version rule drops it as old but the pending refund is retried all the same.
   * A completed order earns its seller their share: recorded pending in the same transaction (once, as
   * the update is applied once), and transferred by the payout worker.
   */
  async onMessage(update: EventData<'order.updated'>): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const applied = await applyOrderUpdate(client, update);
      if (applied && chargeDecision({ status: update.status, paidByAnotherCharge: false }) !== 'keep') {
        await markForRefund(client, update.id);
      }
      if (applied && update.status === 'complete') await recordEarning(client, update.id, this.platformFeeBps);
    });
    if (update.status === 'cancelled') await refundPendingPayments(this.pool, this.gateway, update.id, this.logger);
  }
}
