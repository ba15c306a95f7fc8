import { defineListener, RetryLaterError, withTransaction } from '@microtick/common';
import { sendDueOrWait, type Postman } from '../mail/send-due';
import { applyOrderUpdate } from '../store/orders';

/**
 * Records that an order completed or was cancelled (and why), then sends what that calls for. A repeat
 * changes nothing but still sends what is not sent yet: the first delivery may have stopped before.
 */
export const orderUpdatedListener = (postman: Postman) =>
  defineListener('notifications', 'order.updated', async (update, envelope) => {
    const fits = await withTransaction(postman.pool, (client) => applyOrderUpdate(client, update, envelope.occurredAt));
    if (fits === 'wait') throw new RetryLaterError(`order ${update.id} v${update.version} is ahead of this replica`);
    await sendDueOrWait(postman, update.id);
  });
