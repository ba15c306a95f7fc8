import type { Logger } from '@microtick/common';
import type { PaymentsConfig } from '../config';
import type { PaymentGateway } from './payment-gateway';
import { SandboxGateway } from './sandbox-gateway';
import { createStripeClient, StripeGateway } from './stripe-gateway';

export * from './payment-gateway';

/** Stripe when a secret key is configured; otherwise the sandbox (never in production: config refuses). */
export function createGateway(config: PaymentsConfig, logger: Logger): PaymentGateway {
  if (config.STRIPE_SECRET_KEY)
    return new StripeGateway(createStripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE));
  logger.warn('STRIPE_SECRET_KEY is not set: using the SANDBOX payment gateway, no real card is charged');
  return new SandboxGateway();
}
