import { Listener, withTransaction, type EventData, type Logger, type Pool, durableName } from '@microtick/common';
import { chargeDecision } from '../rules';
import { applyOrderUpdate } from '../store/orders';
import { markForRefund } from '../store/payments';
import type { PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';

export class OrderUpdatedListener extends Listener<'order.updated'> {
  readonly subject = 'order.updated' as const;
  readonly durableName = durableName('payments', this.subject);

  constructor(
    private readonly pool: Pool,
    private readonly gateway: PaymentGateway,
    private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * A cancelled order keeps no payment: one that succeeded (the expiry raced the payment) is marked for
   * refund in the same transaction as the replica update, then refunded. If the refund fails the event is
   * redelivered; the version rule drops it as old but the pending refund is retried all the same.
   */
  async onMessage(update: EventData<'order.updated'>): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const applied = await applyOrderUpdate(client, update);
      if (applied && chargeDecision({ status: update.status, paidByAnotherCharge: false }) !== 'keep') {
        await markForRefund(client, update.id);
      }
    });
    if (update.status === 'cancelled') await refundPendingPayments(this.pool, this.gateway, update.id, this.logger);
  }
}
