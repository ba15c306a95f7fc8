import { Listener, type EventData, durableName } from '@microtick/common';
import { scheduleExpiration, type ExpirationQueue } from '../store/expiration-queue';

export class OrderCreatedListener extends Listener<'order.created'> {
  readonly subject = 'order.created' as const;
  readonly durableName = durableName('expiration', this.subject);

  constructor(private readonly queue: ExpirationQueue) {
    super();
  }

  /** Resolves (and so acks) only once the job is stored in Redis. */
  async onMessage(order: EventData<'order.created'>): Promise<void> {
    await scheduleExpiration(this.queue, order);
  }
}
