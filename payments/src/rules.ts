import { OrderStatus } from '@microtick/common';

/**
 * May a charge that succeeded at the provider be kept for its order? Only while the order is not
 * cancelled and no other charge already paid it; otherwise it is refunded.
 */
export function chargeDecision(order: {
  status: OrderStatus;
  /** Payments closed the order's payment window unpaid: it ended, or orders asked to cancel the order. */
  windowClosed?: false | WindowCloseReason;
  paidByAnotherCharge: boolean;
}): 'keep' | 'refund: cancelled' | 'refund: expired' | 'refund: paid' {
  if (order.status === OrderStatus.Cancelled) return 'refund: cancelled';
  if (order.windowClosed === 'buyer' || order.windowClosed === 'withdrawn') return 'refund: cancelled';
  if (order.windowClosed) return 'refund: expired';
  if (order.paidByAnotherCharge) return 'refund: paid';
  return 'keep';
}

/**
 * Why the window is being closed: its end came (expiration.complete), or orders asked to cancel the order
 * (order.cancellation-requested: its buyer asked, or its ticket was withdrawn while it was placed).
 */
export type WindowCloseReason = 'expired' | 'buyer' | 'withdrawn';

/**
 * The payment window's judge: what expiration.complete, or a buyer's cancellation request, does to an
 * order, decided from the payments replica row read under its lock. Pure, so every case is tested
 * without timing.
 */

export interface WindowState {
  status: 'created' | 'cancelled' | 'complete';
  expiresAt: Date;
  windowClosedAt: Date | null;
  /** A succeeded payment stands for the order. */
  paid: boolean;
  chargesInFlight: number;
  chargeStartedAt: Date | null;
}

export type WindowVerdict =
  /** Close it; unpaid, so payment.window-closed tells orders to cancel the order. */
  | { action: 'close' }
  /** Close it; a payment stands, so the order completes and nothing is published. */
  | { action: 'close paid' }
  /** A charge is in flight (or the deadline is still ahead on this clock): decide again later. */
  | { action: 'wait'; retryInMs: number }
  /** Closed already, or the order is no longer open: nothing to do. */
  | { action: 'none' };

/**
 * `abandonAfterMs`: a charge started longer ago than this that never reported back is not waited for
 * (its process died mid-charge). Safe whatever its value: a charge recorded after the close is refunded
 * and answered 409, never 201.
 */
export function judgeWindow(
  state: WindowState,
  now: Date,
  abandonAfterMs: number,
  reason: WindowCloseReason = 'expired',
): WindowVerdict {
  if (state.windowClosedAt || state.status !== 'created') return { action: 'none' };
  if (state.paid) return { action: 'close paid' };
  // A requested cancel closes the window at once; its end waits for expiresAt on this clock.
  const ahead = state.expiresAt.getTime() - now.getTime();
  if (reason === 'expired' && ahead > 0) return { action: 'wait', retryInMs: ahead };
  const inFlight =
    state.chargesInFlight > 0 &&
    state.chargeStartedAt !== null &&
    now.getTime() - state.chargeStartedAt.getTime() < abandonAfterMs;
  if (inFlight) return { action: 'wait', retryInMs: 100 };
  return { action: 'close' };
}

/**
 * The seller's share of a sale and the platform's fee, in cents: the fee is `feeBps` basis points of the
 * price rounded down to the cent, the share the rest, so the two always add up to the price.
 */
export function splitSale(priceCents: number, feeBps: number): { shareCents: number; feeCents: number } {
  if (!Number.isSafeInteger(priceCents) || priceCents < 0) throw new RangeError(`price ${priceCents} is not cents`);
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000)
    throw new RangeError(`fee ${feeBps} is not 0–10000 bps`);
  const feeCents = Math.floor((priceCents * feeBps) / 10_000);
  return { shareCents: priceCents - feeCents, feeCents };
}

export type PayoutAccountStatus = 'none' | 'pending' | 'active';

/** A connected account can be paid once Stripe made its `transfers` capability active. */
export function payoutAccountStatus(account: { transfersCapability?: string | null }): 'pending' | 'active' {
  return account.transfersCapability === 'active' ? 'active' : 'pending';
}

/** Why a completed order's earning waits, or null when it can be transferred now. */
export function earningWaitReason(earning: {
  sellerKnown: boolean;
  paymentStanding: boolean;
  account: PayoutAccountStatus;
}): string | null {
  if (!earning.sellerKnown) return 'the order predates sellers on orders: seller unknown';
  if (!earning.paymentStanding) return 'no payment stands for the order';
  if (earning.account === 'none') return 'the seller has not set up a payout account';
  if (earning.account === 'pending') return 'the seller has not finished payout account onboarding';
  return null;
}

/** The wait before retrying a failed Stripe call: 1 s doubling per attempt, at most 5 minutes. */
export function payoutRetryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
}
