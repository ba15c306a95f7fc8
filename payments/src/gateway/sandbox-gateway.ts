import { createHash } from 'node:crypto';
import {
  CardDeclinedError,
  InvalidPaymentMethodError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentGateway,
  type RefundRequest,
  type TransferRequest,
} from './payment-gateway';

/** The client page where one click completes a sandbox account's onboarding. */
export const SANDBOX_ONBOARDING_PATH = '/get-paid/sandbox-onboarding';

const idFrom = (prefix: string, key: string) =>
  `${prefix}_sandbox_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/**
 * The local default when no Stripe key is configured: accepts Stripe's test payment method names and
 * moves no money. Ids derive from the idempotency key, so a retried request gets the same payment.
 * Payout accounts are onboarded on a page of the web client (`SANDBOX_ONBOARDING_PATH`), whose one
 * button activates the account in payments' own table (no provider, so no account.updated webhook).
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

  async createPayoutAccount({ idempotencyKey }: { idempotencyKey: string }) {
    return { providerAccountId: idFrom('acct', idempotencyKey) };
  }

  async createOnboardingLink({ providerAccountId, returnUrl }: { providerAccountId: string; returnUrl: string }) {
    const url = new URL(SANDBOX_ONBOARDING_PATH, returnUrl);
    url.searchParams.set('account', providerAccountId);
    return { url: url.toString() };
  }

  async transfer({ idempotencyKey }: TransferRequest) {
    return { providerTransferId: idFrom('tr', idempotencyKey) };
  }

  async reverseTransfer({ idempotencyKey }: { idempotencyKey: string }) {
    return { providerReversalId: idFrom('trr', idempotencyKey) };
  }
}
