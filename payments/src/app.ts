import { createUserFacingApp, type UserFacingAppDeps } from '@microtick/common';
import { Router } from 'express';
import type { PaymentsConfig } from './config';
import type { PaymentGateway } from './gateway';
import { createPaymentRouter } from './http/create-payment';
import { showReceiptRouter } from './http/show-receipt';
import { stripeWebhookRouter } from './http/stripe-webhook';
import { payoutAccountRouter } from './http/payout-account';
import { sandboxOnboardingRouter } from './http/sandbox-onboarding';
import { showEarningsRouter } from './http/show-earnings';

export interface PaymentsDeps extends UserFacingAppDeps {
  gateway: PaymentGateway;
  config: PaymentsConfig;
}

export function buildApp(deps: PaymentsDeps) {
  const { pool, gateway, config, logger } = deps;
  return createUserFacingApp('payments', deps, {
    rawRoutes: stripeWebhookRouter(
      pool,
      gateway,
      [config.STRIPE_WEBHOOK_SECRET, config.STRIPE_CONNECT_WEBHOOK_SECRET].filter((s) => s !== undefined),
      logger,
    ),
    routes: Router()
      .use(createPaymentRouter(pool, gateway, logger))
      .use(showReceiptRouter(pool))
      .use(payoutAccountRouter(pool, gateway, config.APP_URL, logger))
      .use(sandboxOnboardingRouter(pool, gateway))
      .use(showEarningsRouter(pool)),
  });
}
