import { defineListener, type Logger, type Pool } from '@microtick/common';
import { closeWindow } from '../store/payment-window';
import type { PaymentGateway } from '../gateway';

/**
 * The payment window's judge decides a buyer's cancel as it decides an expiry: it closes the window unless
 * a payment stands (the cancel loses; payment.created completes the order) or a charge is in flight (the
 * event waits for its outcome). Orders cancels the order on the payment.window-closed this records.
 */
export const orderCancellationRequestedListener = (
  pool: Pool,
  gateway: Pick<PaymentGateway, 'maxChargeMs'>,
  logger: Logger,
) =>
  defineListener('payments', 'order.cancellation-requested', async ({ orderId, reason }) => {
    const outcome = await closeWindow(pool, orderId, gateway.maxChargeMs, reason);
    if (outcome !== 'unchanged') logger.debug({ orderId, outcome }, 'payment window closed at its buyer’s request');
  });
