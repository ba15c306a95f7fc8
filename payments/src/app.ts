import { createServiceApp, type Bus, type Logger, type Pool, type SessionVerifier } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import type { PaymentsConfig } from './config';
import type { PaymentGateway } from './gateway';
import { createPaymentRouter } from './http/create-payment';
import { showReceiptRouter } from './http/show-receipt';
import { stripeWebhookRouter } from './http/stripe-webhook';
import { payoutAccountRouter } from './http/payout-account';
import { sandboxOnboardingRouter } from './http/sandbox-onboarding';
import { showEarningsRouter } from './http/show-earnings';

export interface PaymentsDeps {
  pool: Pool;
  bus: Pick<Bus, 'ping'>;
  gateway: PaymentGateway;
  config: PaymentsConfig;
  logger: Logger;
  sessions: SessionVerifier;
  /** The per-user write limit (production: userWriteLimit over Redis). */
  writeLimit?: RequestHandler;
}

export function buildApp({ pool, bus, gateway, config, logger, sessions, writeLimit }: PaymentsDeps) {
  return createServiceApp({
    name: 'payments',
    logger,
    sessions,
    writeLimit,
    healthChecks: { database: () => pool.query('SELECT 1'), bus: () => bus.ping() },
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
