import { OrderStatus } from '@microtick/common';

/**
 * May a charge that succeeded at the provider be kept for its order? Only while the order is not
 * cancelled and no other charge already paid it; otherwise it is refunded.
 */
export function chargeDecision(order: {
  status: OrderStatus;
  /** Payments closed the order's payment window (expiration.complete, unpaid). */
  windowClosed?: boolean;
  paidByAnotherCharge: boolean;
}): 'keep' | 'refund: cancelled' | 'refund: expired' | 'refund: paid' {
  if (order.status === OrderStatus.Cancelled) return 'refund: cancelled';
  if (order.windowClosed) return 'refund: expired';
  if (order.paidByAnotherCharge) return 'refund: paid';
  return 'keep';
}

/**
 * The payment window's judge: what expiration.complete does to an order, decided from the payments
 * replica row read under its lock. Pure, so every case is tested without timing.
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
  /** Close it; unpaid, so payment.window-closed tells orders to expire the order. */
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
export function judgeWindow(state: WindowState, now: Date, abandonAfterMs: number): WindowVerdict {
  if (state.windowClosedAt || state.status !== 'created') return { action: 'none' };
  if (state.paid) return { action: 'close paid' };
  const ahead = state.expiresAt.getTime() - now.getTime();
  if (ahead > 0) return { action: 'wait', retryInMs: ahead };
  const inFlight =
    state.chargesInFlight > 0 &&
    state.chargeStartedAt !== null &&
    now.getTime() - state.chargeStartedAt.getTime() < abandonAfterMs;
  if (inFlight) return { action: 'wait', retryInMs: 100 };
  return { action: 'close' };
}
