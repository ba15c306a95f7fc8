import { BadRequestError, ConflictError, type Logger, type Pool } from '@microtick/common';
import express, { Router } from 'express';
import Stripe from 'stripe';
import {
  isStripeEventProcessed,
  markRefundedAtProvider,
  markStripeEventProcessed,
  recordSucceededCharge,
  UnknownOrderError,
} from '../store/payments';
import type { PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';
import { providerUnavailable } from './create-payment';
import { handleConnectEvent } from './connect-events';

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

/** The payload if one of the endpoints' secrets (the platform's, Connect's) signed it; else throws 400. */
function verifiedEvent(body: Buffer, signature: string, secrets: string[]): Stripe.Event {
  for (const secret of secrets) {
    try {
      return Stripe.webhooks.constructEvent(body, signature, secret);
    } catch {
      // try the next endpoint's secret
    }
  }
  throw new BadRequestError('Invalid Stripe signature');
}

/**
 * Stripe's webhook: the signature is verified over the raw body, so this is mounted before the JSON parser.
 * One URL for both of Stripe's endpoints, the platform's events and Connect's (account.updated), each
 * signed with its own secret.
 */
export function stripeWebhookRouter(
  pool: Pool,
  gateway: PaymentGateway,
  webhookSecrets: string[],
  logger: Logger,
): Router {
  return Router().post(
    '/api/payments/webhook',
    express.raw({ type: 'application/json', limit: '1mb' }),
    async (req, res) => {
      const signature = req.header('stripe-signature');
      if (webhookSecrets.length === 0 || !signature || !Buffer.isBuffer(req.body))
        throw new BadRequestError('Invalid Stripe signature');
      const event = verifiedEvent(req.body, signature, webhookSecrets);
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
        case 'charge.refunded': {
          // A full refund made outside payments (the Dashboard): the seller's transfer is reversed.
          const charge = event.data.object;
          const intentId =
            typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
          if (
            charge.refunded &&
            intentId &&
            (await markRefundedAtProvider(pool, intentId, charge.refunds?.data[0]?.id ?? null))
          )
            logger.info({ paymentIntent: intentId }, 'payment refunded at the provider');
          break;
        }
        default:
          await handleConnectEvent(pool, event, logger);
          break;
      }
      await markStripeEventProcessed(pool, event.id, event.type);
      res.json({ received: true });
    },
  );
}
