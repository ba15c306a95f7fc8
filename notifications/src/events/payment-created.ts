import { durableName, Listener, type Envelope, type EventData } from '@microtick/common';
import { sendDueOrWait, type Postman } from '../mail/send-due';
import { keepPayment } from '../store/payments';

/** Keeps what was charged for the receipt, then sends the receipt if the order completed before it arrived. */
export class PaymentCreatedListener extends Listener<'payment.created'> {
  readonly subject = 'payment.created' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly postman: Postman) {
    super();
  }

  async onMessage(payment: EventData<'payment.created'>, envelope: Envelope<'payment.created'>): Promise<void> {
    await keepPayment(this.postman.pool, payment, envelope.occurredAt);
    await sendDueOrWait(this.postman, payment.orderId);
  }
}
