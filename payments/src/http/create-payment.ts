import {
  BatchedWait,
  Batcher,
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
import {
  decidableOrders,
  endCharge,
  startCharges,
  type ChargeStart,
  type ChargeStartRequest,
} from '../store/payment-window';
import { recordCharges, type ChargeToRecord, type RecordOutcome, type UnknownOrderError } from '../store/payments';
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

/**
 * How long a payment for an order payments cannot take yet (not in its replica, or its ticket not yet
 * reserved for it by tickets: both come from the bus) waits for it before answering 404, and how often
 * the waiting orders are looked up (one query for all of them). DESIGN.md gives the events a second.
 */
export const WAIT_FOR_ORDER = { timeoutMs: 1000, intervalMs: 10 };

export const providerUnavailable = () =>
  new HttpError(502, [{ message: 'The payment provider is unavailable, try again' }]);

export function createPaymentRouter(pool: Pool, gateway: PaymentGateway, logger: Logger): Router {
  // Under load the checks of many requests share one statement and their records one transaction, as
  // orders does with its order placer: each commit's fsync serves a batch (docs/performance.md).
  const starts = new Batcher<ChargeStartRequest, ChargeStart>((requests) => startCharges(pool, requests));
  const records = new Batcher<ChargeToRecord, RecordOutcome | UnknownOrderError>((charges) =>
    recordCharges(pool, charges),
  );
  // A buyer who pays the moment the order is answered usually arrives before the events that make it
  // payable: the request waits for them here rather than the client trying again through the gateway.
  const arrivals = new BatchedWait<string>((ids) => decidableOrders(pool, ids), WAIT_FOR_ORDER);
  return Router().post('/api/payments', requireAuth, async (req, res) => {
    const body = parseRequest(paymentSchema, req.body);
    const orderId = parseIdParam(body.orderId, 'Order not found');
    const request = { orderId, userId: req.currentUser!.id };
    let start = await starts.submit(request);
    if (start.outcome === 'not found' && (await arrivals.until(orderId))) start = await starts.submit(request);
    if (start.outcome === 'not found') throw new NotFoundError('Order not found');
    if (start.outcome === 'cancelled') throw new ConflictError('Cannot pay for a cancelled order');
    if (start.outcome === 'paid') throw new ConflictError('Order has already been paid');
    if (start.outcome !== 'started') throw new ConflictError('Order has expired');
    const { order } = start;
    // The window waits while this charge is in flight, so it ends marked, whatever happens below: with
    // the record when there is one, on its own otherwise.
    let recorded: RecordOutcome | UnknownOrderError | undefined;
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
      recorded = await records.submit({
        orderId: order.id,
        providerPaymentId: result.providerPaymentId,
        amountCents: order.priceCents,
        currency: CURRENCY,
        endsCharge: true,
      });
    } finally {
      if (!recorded) await endCharge(pool, order.id);
    }
    // The order was in the replica when the charge started, and replica rows are never deleted.
    if (recorded instanceof Error) throw recorded;
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
