import type { OrderStatus } from '@microtick/common';

/** The emails this service sends, each at most once per order (the sent-log's key is kind and order). */
export type EmailKind = 'receipt' | 'sold' | 'hold-expired';

export interface OrderFacts {
  status: OrderStatus;
  cancelReason: 'buyer' | 'expired' | 'withdrawn' | null;
  /** When the order was cancelled or completed; null while it is open. */
  closedAt: Date | null;
}

/**
 * Which emails an order calls for: a complete order, the buyer's receipt and the seller's "sold"; an
 * order whose hold ran out, "your hold expired" to the buyer. A buyer who cancelled is told nothing (they
 * did it themselves), nor is anyone about an order cancelled before orders said why (no reason on the
 * event: it cannot be told apart). Nothing for an order closed more than `maxAgeMs` ago: that is history
 * being replayed, not news.
 */
export function emailsDue(order: OrderFacts, now: Date, maxAgeMs: number): EmailKind[] {
  if (!order.closedAt || now.getTime() - order.closedAt.getTime() > maxAgeMs) return [];
  if (order.status === 'complete') return ['receipt', 'sold'];
  if (order.status === 'cancelled' && order.cancelReason === 'expired') return ['hold-expired'];
  return [];
}

export const recipientOf = (kind: EmailKind): 'buyer' | 'seller' => (kind === 'sold' ? 'seller' : 'buyer');

/** What an email needs before it can be written; what is missing makes it wait for the event that brings it. */
export interface Known {
  recipientEmail: boolean;
  ticket: boolean;
  payment: boolean;
}

export function missingFor(kind: EmailKind, known: Known): string[] {
  return [
    ...(known.recipientEmail ? [] : [`the ${recipientOf(kind)}'s address`]),
    ...(known.ticket ? [] : ['the ticket']),
    ...(kind === 'receipt' && !known.payment ? ['the payment'] : []),
  ];
}

/**
 * A versioned order.updated against the order this service knows: the next version applies, an old one
 * is a repeat (applied already), one from the future or for an order not known yet waits.
 */
export function orderUpdateFits(knownVersion: number | undefined, eventVersion: number): 'apply' | 'repeat' | 'wait' {
  if (knownVersion === undefined || eventVersion > knownVersion + 1) return 'wait';
  return eventVersion === knownVersion + 1 ? 'apply' : 'repeat';
}
