import { createHash } from 'node:crypto';
import {
  CardDeclinedError,
  InvalidPaymentMethodError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentGateway,
  type RefundRequest,
} from './payment-gateway';

const idFrom = (prefix: string, key: string) =>
  `${prefix}_sandbox_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/**
 * The local default when no Stripe key is configured: accepts Stripe's test payment method names and
 * moves no money. Ids derive from the idempotency key, so a retried request gets the same payment.
 */
export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';
  readonly maxChargeMs = 10_000;

  async charge({ paymentMethod, idempotencyKey }: ChargeRequest): Promise<ChargeResult> {
    switch (paymentMethod) {
      case 'pm_card_visa':
        return { status: 'succeeded', providerPaymentId: idFrom('pi', idempotencyKey) };
      case 'pm_card_chargeDeclined':
        throw new CardDeclinedError('Your card was declined.');
      default:
        throw new InvalidPaymentMethodError('Use a test payment method: pm_card_visa or pm_card_chargeDeclined');
    }
  }

  async refund({ idempotencyKey }: RefundRequest): Promise<{ providerRefundId: string }> {
    return { providerRefundId: idFrom('re', idempotencyKey) };
  }
}
