import {
  durableName,
  Listener,
  RetryLaterError,
  withTransaction,
  type Envelope,
  type EventData,
} from '@microtick/common';
import { sendDueOrWait, type Postman } from '../mail/send-due';
import { applyOrderUpdate } from '../store/orders';

/**
 * Records that an order completed or was cancelled (and why), then sends what that calls for. A repeat
 * changes nothing but still sends what is not sent yet: the first delivery may have stopped before.
 */
export class OrderUpdatedListener extends Listener<'order.updated'> {
  readonly subject = 'order.updated' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly postman: Postman) {
    super();
  }

  async onMessage(update: EventData<'order.updated'>, envelope: Envelope<'order.updated'>): Promise<void> {
    const fits = await withTransaction(this.postman.pool, (client) =>
      applyOrderUpdate(client, update, envelope.occurredAt),
    );
    if (fits === 'wait') throw new RetryLaterError(`order ${update.id} v${update.version} is ahead of this replica`);
    await sendDueOrWait(this.postman, update.id);
  }
}
