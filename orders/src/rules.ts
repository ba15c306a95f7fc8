import { OrderStatus } from '@microtick/common';
import type { Transition } from './store/orders';

export type OrderEvent = 'buyer cancels' | 'window ends' | 'ticket withdrawn' | 'payment arrives';

/**
 * What an event does to an order. Only an open order changes; cancelling an already cancelled order is
 * the same answer with no second event; a complete order cannot be cancelled by its buyer; a payment
 * for an order cancelled meanwhile changes nothing here (payments refunds it).
 */
export function orderChange(status: OrderStatus, event: OrderEvent): Transition | 'unchanged' | 'refused' {
  if (status === OrderStatus.Created) {
    if (event === 'buyer cancels') return { status: 'cancelled', reason: 'buyer' };
    if (event === 'window ends') return { status: 'cancelled', reason: 'expired' };
    if (event === 'ticket withdrawn') return { status: 'cancelled', reason: 'withdrawn' };
    return { status: 'complete' };
  }
  if (status === OrderStatus.Complete && event === 'buyer cancels') return 'refused';
  return 'unchanged';
}

/**
 * What a buyer's cancel does now. Payments, the payment window's one judge, decides a cancel as it decides
 * an expiry, so a payment it answered 201 always completes the order: an open order gets a cancellation
 * request (once) and waits for the verdict; a cancelled one is already what the buyer wants; a complete
 * one cannot be cancelled.
 */
export function cancellationStep(order: {
  status: OrderStatus;
  cancelRequestedAt: Date | null;
}): 'cancelled' | 'refused' | 'ask the judge' | 'wait for the verdict' {
  if (order.status === OrderStatus.Cancelled) return 'cancelled';
  if (order.status === OrderStatus.Complete) return 'refused';
  return order.cancelRequestedAt ? 'wait for the verdict' : 'ask the judge';
}

/** What placing an order for a ticket comes to, from the ticket replica and whether the order row went in. */
export function placementOutcome(attempt: {
  ticket: { sellerId: string } | undefined;
  buyerId: string;
  /** The replica says the ticket's event has started: a listing leaves the list when its event starts. */
  eventStarted?: boolean;
  /** The buyer let this ticket go less than the cool-down ago. */
  coolingDown?: boolean;
  inserted: boolean;
}): 'placed' | 'unknown ticket' | 'own ticket' | 'event started' | 'cooling down' | 'reserved' {
  if (!attempt.ticket) return 'unknown ticket';
  if (attempt.ticket.sellerId === attempt.buyerId) return 'own ticket';
  if (attempt.eventStarted) return 'event started';
  if (attempt.coolingDown) return 'cooling down';
  // The partial unique index is the guard: an open or complete order already holds this ticket.
  return attempt.inserted ? 'placed' : 'reserved';
}

/** The version rule for a replica: apply only the next version; an older one is dropped, a newer one waits. */
export function versionRule(
  replicaVersion: number | undefined,
  eventVersion: number,
): 'apply' | 'stale' | 'future' | 'unknown' {
  if (replicaVersion === undefined) return 'unknown';
  if (eventVersion === replicaVersion + 1) return 'apply';
  return eventVersion <= replicaVersion ? 'stale' : 'future';
}
