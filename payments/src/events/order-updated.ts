import { defineListener, withTransaction, type Logger, type Pool } from '@microtick/common';
import { chargeDecision } from '../rules';
import { applyOrderUpdate } from '../store/orders';
import { markForRefund } from '../store/payments';
import type { PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';
import { recordEarning } from '../store/earnings';

/**
 * A cancelled order keeps no payment: one that succeeded (the expiry raced the payment) is marked for
 * refund in the same transaction as the replica update, then refunded. If the refund fails the event is
 * redelivered; the version rule drops it as old but the pending refund is retried all the same.
 * A completed order earns its seller their share: recorded pending in the same transaction (once, as
 * the update is applied once), and transferred by the payout worker.
 */
export const orderUpdatedListener = (pool: Pool, gateway: PaymentGateway, logger: Logger, platformFeeBps: number) =>
  defineListener('payments', 'order.updated', async (update) => {
    await withTransaction(pool, async (client) => {
      const applied = await applyOrderUpdate(client, update);
      if (applied && chargeDecision({ status: update.status, paidByAnotherCharge: false }) !== 'keep') {
        await markForRefund(client, update.id);
      }
      if (applied && update.status === 'complete') await recordEarning(client, update.id, platformFeeBps);
    });
    if (update.status === 'cancelled') await refundPendingPayments(pool, gateway, update.id, logger);
  });
