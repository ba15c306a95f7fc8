import { defineListener } from '@microtick/common';
import { sendDueOrWait, type Postman } from '../mail/send-due';
import { keepPayment } from '../store/payments';

/** Keeps what was charged for the receipt, then sends the receipt if the order completed before it arrived. */
export const paymentCreatedListener = (postman: Postman) =>
  defineListener('notifications', 'payment.created', async (payment, envelope) => {
    await keepPayment(postman.pool, payment, envelope.occurredAt);
    await sendDueOrWait(postman, payment.orderId);
  });
