import { durableName, Listener, type EventData, type Pool } from '@microtick/common';
import { insertOrder } from '../store/orders';

export class OrderCreatedListener extends Listener<'order.created'> {
  readonly subject = 'order.created' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(order: EventData<'order.created'>): Promise<void> {
    await insertOrder(this.pool, order);
  }
}
