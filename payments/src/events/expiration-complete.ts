import { defineListener, type Logger, type Pool } from '@microtick/common';
import { closeWindow } from '../store/payment-window';
import type { PaymentGateway } from '../gateway';

/** The payment window's judge: expiration.complete closes it here, never directly in orders. */
export const expirationCompleteListener = (pool: Pool, gateway: Pick<PaymentGateway, 'maxChargeMs'>, logger: Logger) =>
  defineListener('payments', 'expiration.complete', async ({ orderId }) => {
    const outcome = await closeWindow(pool, orderId, gateway.maxChargeMs);
    if (outcome !== 'unchanged') logger.debug({ orderId, outcome }, 'payment window closed');
  });
