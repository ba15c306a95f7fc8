import Stripe from 'stripe';
import type { StripeApiBase } from '../config';
import {
  CardDeclinedError,
  InvalidPaymentMethodError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentGateway,
  type RefundRequest,
  type TransferRequest,
} from './payment-gateway';

export function createStripeClient(secretKey: string, apiBase?: StripeApiBase): Stripe {
  return new Stripe(secretKey, { ...apiBase, telemetry: false });
}

/** Creates and confirms a PaymentIntent server-side with the buyer's PaymentMethod. */
export class StripeGateway implements PaymentGateway {
  readonly name = 'stripe';
  /** The SDK's defaults: an 80 s timeout, two retries; and a margin for their backoff. */
  readonly maxChargeMs = 3 * 80_000 + 30_000;

  constructor(private readonly stripe: Stripe) {}

  async charge({
    orderId,
    amountCents,
    currency,
    paymentMethod,
    idempotencyKey,
  }: ChargeRequest): Promise<ChargeResult> {
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(
        {
          amount: amountCents,
          currency,
          payment_method: paymentMethod,
          confirm: true,
          // Card payments confirmed on the server: no redirect-based methods.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          metadata: { orderId },
        },
        { idempotencyKey },
      );
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) throw new CardDeclinedError(err.message);
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.param === 'payment_method') {
        throw new InvalidPaymentMethodError(err.message);
      }
      throw err;
    }
    switch (intent.status) {
      case 'succeeded':
        return { status: 'succeeded', providerPaymentId: intent.id };
      case 'requires_action':
        return { status: 'requires_action', providerPaymentId: intent.id, clientSecret: intent.client_secret ?? '' };
      case 'requires_payment_method':
        throw new CardDeclinedError(intent.last_payment_error?.message ?? undefined);
      default:
        return { status: 'processing', providerPaymentId: intent.id };
    }
  }

  async refund({ providerPaymentId, idempotencyKey }: RefundRequest): Promise<{ providerRefundId: string }> {
    const refund = await this.stripe.refunds.create({ payment_intent: providerPaymentId }, { idempotencyKey });
    return { providerRefundId: refund.id };
  }

  async createPayoutAccount({ userId, idempotencyKey }: { userId: string; idempotencyKey: string }) {
    const account = await this.stripe.accounts.create(
      { type: 'express', capabilities: { transfers: { requested: true } }, metadata: { userId } },
      { idempotencyKey },
    );
    return { providerAccountId: account.id };
  }

  async createOnboardingLink(request: { providerAccountId: string; returnUrl: string; refreshUrl: string }) {
    const link = await this.stripe.accountLinks.create({
      account: request.providerAccountId,
      return_url: request.returnUrl,
      refresh_url: request.refreshUrl,
      type: 'account_onboarding',
    });
    return { url: link.url };
  }

  /**
   * Separate charges and transfers: the share moves from the platform's balance, funded by the buyer's
   * charge (`source_transaction`, so it waits for those funds instead of failing on an empty balance).
   */
  async transfer(request: TransferRequest) {
    const intent = await this.stripe.paymentIntents.retrieve(request.providerPaymentId);
    const charge = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
    if (!charge) throw new Error(`payment ${request.providerPaymentId} has no charge to fund a transfer`);
    const transfer = await this.stripe.transfers.create(
      {
        amount: request.amountCents,
        currency: request.currency,
        destination: request.destination,
        source_transaction: charge,
        transfer_group: `order-${request.orderId}`,
        metadata: { earningId: request.earningId, orderId: request.orderId },
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return { providerTransferId: transfer.id };
  }

  async reverseTransfer({
    providerTransferId,
    idempotencyKey,
  }: {
    providerTransferId: string;
    idempotencyKey: string;
  }) {
    const reversal = await this.stripe.transfers.createReversal(providerTransferId, {}, { idempotencyKey });
    return { providerReversalId: reversal.id };
  }
}
