/** What the payments service needs from a payment provider: Stripe, or the local sandbox. */

export interface ChargeRequest {
  orderId: string;
  /** Integer cents. */
  amountCents: number;
  currency: string;
  /** A PaymentMethod id from Stripe Elements, or a Stripe test method name such as pm_card_visa. */
  paymentMethod: string;
  /** The same key for a retried request, so the provider never charges twice. */
  idempotencyKey: string;
}

export type ChargeResult =
  | { status: 'succeeded'; providerPaymentId: string }
  /** The customer must finish in the browser (3-D Secure); a webhook reports the outcome. */
  | { status: 'requires_action'; providerPaymentId: string; clientSecret: string }
  /** Still in flight at the provider; a webhook reports the outcome. */
  | { status: 'processing'; providerPaymentId: string };

export interface RefundRequest {
  providerPaymentId: string;
  idempotencyKey: string;
}

export interface TransferRequest {
  /** The earning this transfer pays (Stripe metadata, and the transfer group). */
  earningId: string;
  orderId: string;
  /** Integer cents: the seller's share. */
  amountCents: number;
  currency: string;
  /** The seller's connected account. */
  destination: string;
  /** The buyer's payment that funds it (its charge is the transfer's source_transaction). */
  providerPaymentId: string;
  idempotencyKey: string;
}

/** Stripe Connect: the seller's payout account, its onboarding, and the money moved to it. */
export interface PayoutGateway {
  createPayoutAccount(request: { userId: string; idempotencyKey: string }): Promise<{ providerAccountId: string }>;
  /** A single-use link to the provider's onboarding, which returns to `returnUrl` (or `refreshUrl` when expired). */
  createOnboardingLink(request: {
    providerAccountId: string;
    returnUrl: string;
    refreshUrl: string;
  }): Promise<{ url: string }>;
  transfer(request: TransferRequest): Promise<{ providerTransferId: string }>;
  reverseTransfer(request: {
    providerTransferId: string;
    idempotencyKey: string;
  }): Promise<{ providerReversalId: string }>;
}

export interface PaymentGateway extends PayoutGateway {
  readonly name: 'stripe' | 'sandbox';
  /**
   * The longest a charge call can take, retries included. A charge started longer ago that never
   * reported back belongs to a process that died mid-charge: the payment window stops waiting for it.
   */
  readonly maxChargeMs: number;
  /** Throws CardDeclinedError or InvalidPaymentMethodError for the customer's mistakes. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ providerRefundId: string }>;
}

export class CardDeclinedError extends Error {
  constructor(message = 'Your card was declined.') {
    super(message);
    this.name = 'CardDeclinedError';
  }
}

export class InvalidPaymentMethodError extends Error {
  constructor(message = 'Payment method is not valid') {
    super(message);
    this.name = 'InvalidPaymentMethodError';
  }
}
