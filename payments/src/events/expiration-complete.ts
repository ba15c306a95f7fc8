import { Listener, type EventData, type Logger, type Pool } from '@microtick/common';
import { closeWindow } from '../store/payment-window';
import type { PaymentGateway } from '../gateway';

/** The payment window's judge: expiration.complete closes it here, never directly in orders. */
export class ExpirationCompleteListener extends Listener<'expiration.complete'> {
  readonly subject = 'expiration.complete' as const;
  readonly durableName = 'payments.expiration-complete';

  constructor(
    private readonly pool: Pool,
    private readonly gateway: Pick<PaymentGateway, 'maxChargeMs'>,
    private readonly logger: Logger,
  ) {
    super();
  }

  async onMessage({ orderId }: EventData<'expiration.complete'>): Promise<void> {
    const outcome = await closeWindow(this.pool, orderId, this.gateway.maxChargeMs);
    if (outcome !== 'unchanged') this.logger.debug({ orderId, outcome }, 'payment window closed');
  }
}
