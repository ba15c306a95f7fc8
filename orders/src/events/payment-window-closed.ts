import { applyOnce, Listener, type Envelope, type EventData, type Logger, type Pool } from '@microtick/common';
import { lockOrder, transitionOrder } from '../store/orders';

/**
 * Expires an order when payments, the payment window's one judge, closed its window unpaid. Orders no
 * longer listens to expiration.complete: a payment accepted before the close always completes the order.
 */
export class PaymentWindowClosedListener extends Listener<'payment.window-closed'> {
  readonly subject = 'payment.window-closed' as const;
  readonly durableName = 'orders.payment.window-closed';

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  async onMessage(
    { orderId }: EventData<'payment.window-closed'>,
    envelope: Envelope<'payment.window-closed'>,
  ): Promise<void> {
    await applyOnce(this.pool, this.durableName, envelope.id, async (client) => {
      const order = await lockOrder(client, orderId);
      if (!order) {
        this.logger.warn({ orderId, eventId: envelope.id }, 'payment window closed for an unknown order ignored');
        return;
      }
      // Already cancelled by its buyer: nothing to do. Never complete: payments closes only unpaid windows.
      if (order.status === 'created') await transitionOrder(client, order, { status: 'cancelled', reason: 'expired' });
    });
  }
}
