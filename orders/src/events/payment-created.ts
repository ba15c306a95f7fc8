import {
  applyOnce,
  Listener,
  type Envelope,
  type EventData,
  type Logger,
  type Pool,
  durableName,
} from '@microtick/common';
import { orderChange } from '../rules';
import { lockOrder, transitionOrder } from '../store/orders';

export class PaymentCreatedListener extends Listener<'payment.created'> {
  readonly subject = 'payment.created' as const;
  readonly durableName = durableName('orders', this.subject);

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  async onMessage(payment: EventData<'payment.created'>, envelope: Envelope<'payment.created'>): Promise<void> {
    await applyOnce(this.pool, this.durableName, envelope.id, async (client) => {
      const order = await lockOrder(client, payment.orderId);
      if (!order) {
        this.logger.warn({ orderId: payment.orderId, paymentId: payment.id }, 'payment for an unknown order ignored');
        return;
      }
      const change = orderChange(order.status, 'payment arrives');
      if (change !== 'unchanged' && change !== 'refused') await transitionOrder(client, order, change);
    });
  }
}
