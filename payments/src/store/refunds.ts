import type { Logger, Pool } from '@microtick/common';
import { findRefundPending, markRefunded } from './payments';
import type { PaymentGateway } from '../gateway';

/**
 * Refunds the order's charges marked refund_pending. Driven by stored state, not by an event, so a retry
 * after a failure picks up what is left; the idempotency key per payment makes a repeated call refund once.
 */
export async function refundPendingPayments(
  pool: Pool,
  gateway: PaymentGateway,
  orderId: string,
  logger: Logger,
): Promise<number> {
  const pending = await findRefundPending(pool, orderId);
  for (const payment of pending) {
    const { providerRefundId } = await gateway.refund({
      providerPaymentId: payment.providerPaymentId,
      idempotencyKey: `refund-${payment.id}`,
    });
    await markRefunded(pool, payment.id, providerRefundId);
    logger.info(
      { orderId, paymentId: payment.id, providerRefundId, amountCents: payment.amountCents },
      'payment refunded',
    );
  }
  return pending.length;
}
