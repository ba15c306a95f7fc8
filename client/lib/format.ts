import type { EarningStatus, Order, TicketStatus } from './types';

// Shared with the notifications service's emails, so they show amounts as these pages do.
export { formatPrice } from '../../common/src/display/format';

/** Milliseconds left → "14:05" (or "1:02:03" past an hour); never negative. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(hours > 0 ? 2 : 1, '0');
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export type TicketDisplayStatus = TicketStatus | 'started';

export const ticketStatusLabel: Record<TicketDisplayStatus, string> = {
  available: 'Available',
  reserved: 'Reserved',
  sold: 'Sold',
  withdrawn: 'Withdrawn',
  started: 'Event started',
};

/**
 * What people should see. A ticket nobody bought stays `available` after its event starts, but it has
 * left the list and orders refuses it ("Event has already started"), so it is shown as started: no Buy
 * button for a buyer, and for its seller the choice of a new start (a postponed event) or withdrawing it.
 */
export function ticketDisplayStatus(
  ticket: { status: TicketStatus; startsAt: string | null },
  now: number,
): TicketDisplayStatus {
  if (ticket.status === 'available' && ticket.startsAt !== null && Date.parse(ticket.startsAt) <= now) return 'started';
  return ticket.status;
}

export type OrderDisplayStatus = 'awaiting-payment' | 'complete' | 'cancelled' | 'expired' | 'withdrawn';

export const orderStatusLabel: Record<OrderDisplayStatus, string> = {
  'awaiting-payment': 'Awaiting payment',
  complete: 'Complete',
  cancelled: 'Cancelled',
  expired: 'Expired',
  withdrawn: 'Withdrawn by seller',
};

/**
 * What the buyer should see. The API has one `cancelled` status for both a cancellation and an
 * expiry; an order still `created` after its window is shown as expired (the server releases it
 * within a second), and a `cancelled` one is shown as expired when the service says so or when the
 * page saw the window run out.
 */
export function orderDisplayStatus(order: Order, now: number, sawExpiry = false): OrderDisplayStatus {
  const expired = now >= Date.parse(order.expiresAt);
  if (order.status === 'complete') return 'complete';
  if (order.status === 'created') return expired ? 'expired' : 'awaiting-payment';
  if (order.cancelReason === 'withdrawn') return 'withdrawn';
  if (sawExpiry || order.cancelReason === 'expired') return 'expired';
  return 'cancelled';
}

export const earningStatusLabel: Record<EarningStatus, string> = {
  pending: 'Pending',
  transferred: 'Transferred',
  reversed: 'Reversed',
};
