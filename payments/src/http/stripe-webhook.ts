import { BadRequestError, ConflictError, type Logger, type Pool } from '@microtick/common';
import express, { Router } from 'express';
import Stripe from 'stripe';
import {
  isStripeEventProcessed,
  markStripeEventProcessed,
  recordSucceededCharge,
  UnknownOrderError,
} from '../store/payments';
import type { PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';
import { providerUnavailable } from './create-payment';

async function settleSucceeded(
  pool: Pool,
  gateway: PaymentGateway,
  intent: Stripe.PaymentIntent,
  logger: Logger,
): Promise<void> {
  const orderId = intent.metadata?.orderId;
  if (!orderId) return; // not one of ours
  let recorded;
  try {
    recorded = await recordSucceededCharge(pool, {
      orderId,
      providerPaymentId: intent.id,
      amountCents: intent.amount,
      currency: intent.currency,
    });
  } catch (err) {
    // Stripe redelivers a non-2xx webhook, by which time order.created will have arrived.
    if (err instanceof UnknownOrderError) throw new ConflictError('Order is not known yet');
    throw err;
  }
  if (recorded.outcome === 'refund') {
    try {
      await refundPendingPayments(pool, gateway, orderId, logger);
    } catch (err) {
      logger.error({ err, orderId }, 'refund failed at the payment provider; the webhook will be redelivered');
      throw providerUnavailable();
    }
  }
}

/** Stripe's webhook: the signature is verified over the raw body, so this is mounted before the JSON parser. */
export function stripeWebhookRouter(
  pool: Pool,
  gateway: PaymentGateway,
  webhookSecret: string | undefined,
  logger: Logger,
): Router {
  return Router().post(
    '/api/payments/webhook',
    express.raw({ type: 'application/json', limit: '1mb' }),
    async (req, res) => {
      const signature = req.header('stripe-signature');
      if (!webhookSecret || !signature || !Buffer.isBuffer(req.body))
        throw new BadRequestError('Invalid Stripe signature');
      let event: Stripe.Event;
      try {
        event = Stripe.webhooks.constructEvent(req.body, signature, webhookSecret);
      } catch {
        throw new BadRequestError('Invalid Stripe signature');
      }
      // A signed payload that is not an event (no id or type) cannot be recorded as processed.
      if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
        throw new BadRequestError('Invalid Stripe event');
      }
      if (await isStripeEventProcessed(pool, event.id)) {
        res.json({ received: true });
        return;
      }
      switch (event.type) {
        case 'payment_intent.succeeded':
          await settleSucceeded(pool, gateway, event.data.object, logger);
          break;
        case 'payment_intent.payment_failed': {
          const intent = event.data.object;
          // Nothing was paid: the order stays open and the buyer can try again until it expires.
          logger.info(
            { orderId: intent.metadata?.orderId, paymentIntent: intent.id, reason: intent.last_payment_error?.message },
            'payment failed',
          );
          break;
        }
        default:
          break;
      }
      await markStripeEventProcessed(pool, event.id, event.type);
      res.json({ received: true });
    },
  );
}
