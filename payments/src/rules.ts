import { OrderStatus } from '@microtick/common';

/**
 * May a charge that succeeded at the provider be kept for its order? Only while the order is not
 * cancelled and no other charge already paid it; otherwise it is refunded.
 */
export function chargeDecision(order: {
  status: OrderStatus;
  paidByAnotherCharge: boolean;
}): 'keep' | 'refund: cancelled' | 'refund: paid' {
  if (order.status === OrderStatus.Cancelled) return 'refund: cancelled';
  if (order.paidByAnotherCharge) return 'refund: paid';
  return 'keep';
}

/**
 * May the buyer be charged for this order now? Asked before the provider is called, so a charge that
 * could not be kept is not made in the first place.
 */
export function chargeRefusal(
  order: { status: OrderStatus; paidByAnotherCharge: boolean; expiresAt: Date },
  now: number,
): 'cancelled' | 'paid' | 'expired' | undefined {
  if (order.status === OrderStatus.Complete) return 'paid';
  const decision = chargeDecision(order);
  if (decision === 'refund: cancelled') return 'cancelled';
  if (decision === 'refund: paid') return 'paid';
  if (order.expiresAt.getTime() <= now) return 'expired';
  return undefined;
}
