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

export class ExpirationCompleteListener extends Listener<'expiration.complete'> {
  readonly subject = 'expiration.complete' as const;
  readonly durableName = durableName('orders', this.subject);

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  async onMessage(
    { orderId }: EventData<'expiration.complete'>,
    envelope: Envelope<'expiration.complete'>,
  ): Promise<void> {
    await applyOnce(this.pool, this.durableName, envelope.id, async (client) => {
      const order = await lockOrder(client, orderId);
      if (!order) {
        this.logger.warn({ orderId, eventId: envelope.id }, 'expiration for an unknown order ignored');
        return;
      }
      const change = orderChange(order.status, 'window ends');
      if (change !== 'unchanged' && change !== 'refused') await transitionOrder(client, order, change);
    });
  }
}
