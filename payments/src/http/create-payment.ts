import {
  ConflictError,
  HttpError,
  NotFoundError,
  parseIdParam,
  parseRequest,
  PaymentDeclinedError,
  BadRequestError,
  requireAuth,
  type Logger,
  type Pool,
} from '@microtick/common';
import { Router } from 'express';
import { z } from 'zod';
import { endCharge, startCharge } from '../store/payment-window';
import { recordSucceededCharge, type RecordOutcome } from '../store/payments';
import { CardDeclinedError, InvalidPaymentMethodError, type ChargeResult, type PaymentGateway } from '../gateway';
import { refundPendingPayments } from '../store/refunds';
import { presentPayment } from './present';

export const CURRENCY = 'usd';

const paymentSchema = z.object({
  orderId: z.string({ error: 'orderId is required' }).min(1, 'orderId is required'),
  paymentMethod: z
    .string({ error: 'paymentMethod is required' })
    .regex(/^[A-Za-z0-9_]{1,100}$/, 'paymentMethod must be a payment method id such as pm_card_visa'),
});

/**
 * The same order paid with the same payment method gets the same key, so a retried request (a double
 * click, a timeout) never charges twice. The payment method is part of it so that, after a decline, the
 * buyer can pay with another card (Stripe replays the stored decline for a reused key).
 */
export const chargeIdempotencyKey = (orderId: string, paymentMethod: string) => `order-${orderId}-${paymentMethod}`;

const refusal = {
  paid: 'Order has already been paid; this charge was refunded',
  cancelled: 'Order was cancelled; the charge was refunded',
  expired: 'Order has expired; the charge was refunded',
};

export const providerUnavailable = () =>
  new HttpError(502, [{ message: 'The payment provider is unavailable, try again' }]);

export function createPaymentRouter(pool: Pool, gateway: PaymentGateway, logger: Logger): Router {
  return Router().post('/api/payments', requireAuth, async (req, res) => {
    const body = parseRequest(paymentSchema, req.body);
    const orderId = parseIdParam(body.orderId, 'Order not found');
    const start = await startCharge(pool, orderId, req.currentUser!.id);
    if (start.outcome === 'not found') throw new NotFoundError('Order not found');
    if (start.outcome === 'cancelled') throw new ConflictError('Cannot pay for a cancelled order');
    if (start.outcome === 'paid') throw new ConflictError('Order has already been paid');
    if (start.outcome !== 'started') throw new ConflictError('Order has expired');
    const { order } = start;
    // The window waits while this charge is in flight, so it ends marked, whatever happens below.
    let recorded: RecordOutcome;
    try {
      let result: ChargeResult;
      try {
        result = await gateway.charge({
          orderId: order.id,
          amountCents: order.priceCents,
          currency: CURRENCY,
          paymentMethod: body.paymentMethod,
          idempotencyKey: chargeIdempotencyKey(order.id, body.paymentMethod),
        });
      } catch (err) {
        if (err instanceof CardDeclinedError) throw new PaymentDeclinedError(err.message);
        if (err instanceof InvalidPaymentMethodError) throw new BadRequestError(err.message, 'paymentMethod');
        logger.error({ err, orderId }, 'charge failed at the payment provider');
        throw providerUnavailable();
      }

      if (result.status !== 'succeeded') {
        res.status(202).json({
          id: result.providerPaymentId,
          orderId: order.id,
          status: result.status,
          ...('clientSecret' in result ? { clientSecret: result.clientSecret } : {}),
        });
        return;
      }
      recorded = await recordSucceededCharge(pool, {
        orderId: order.id,
        providerPaymentId: result.providerPaymentId,
        amountCents: order.priceCents,
        currency: CURRENCY,
      });
    } finally {
      await endCharge(pool, order.id);
    }
    if (recorded.outcome === 'refund') {
      // The buyer cancelled, or another charge paid the order, while this one was in flight (the window waited for it).
      try {
        await refundPendingPayments(pool, gateway, order.id, logger);
      } catch (err) {
        logger.error({ err, orderId }, 'refund failed at the payment provider; a retried request refunds it');
        throw providerUnavailable();
      }
      throw new ConflictError(refusal[recorded.reason ?? 'paid']);
    }
    res.status(201).json(presentPayment(recorded.payment));
  });
}
