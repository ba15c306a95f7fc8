/** Shapes of the public HTTP API (see DESIGN.md, "HTTP API"). */

export interface CurrentUser {
  id: string;
  email: string;
}

export type TicketStatus = 'available' | 'reserved' | 'sold' | 'withdrawn';

export interface Ticket {
  id: string;
  title: string;
  /** Decimal amount, e.g. 12.5. */
  price: number;
  userId: string;
  version: number;
  status: TicketStatus;
  orderId: string | null;
  /** The event: where, when (ISO-8601 with the seller's offset) and which seat; null when not given. */
  venue: string | null;
  startsAt: string | null;
  seat: string | null;
}

export type OrderStatus = 'created' | 'cancelled' | 'complete';

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  /** ISO-8601 instant when an unpaid order is cancelled and the ticket released. */
  expiresAt: string;
  /** ISO-8601 instant when the buyer placed the order. */
  createdAt: string;
  /** The ticket as it was when ordered, with its event (venue and start; null when not given). */
  ticket: Pick<Ticket, 'id' | 'title' | 'price' | 'venue' | 'startsAt'>;
  version: number;
  /** Not in the contract; used when a service sends it to tell an expiry from a cancellation. */
  cancelReason?: 'buyer' | 'expired' | 'withdrawn' | null;
}

/** A ticket the signed-in buyer holds (an open order within its window). */
export interface Hold {
  orderId: string;
  ticketId: string;
  title: string;
  expiresAt: string;
}

export interface FieldError {
  message: string;
  field?: string;
}

/** GET /api/payments/receipts/:orderId */
export interface Receipt {
  orderId: string;
  amount: number;
  currency: string;
  /** The payment provider's reference (a PaymentIntent id, or the sandbox's). */
  reference: string;
  paidAt: string;
}

export interface Payment {
  id: string;
  orderId: string;
  status: string;
  /** Present only when Stripe asks the browser to finish the payment (e.g. 3-D Secure). */
  clientSecret?: string;
}

/** GET /api/payments/payout-account */
export type PayoutAccountStatus = 'none' | 'pending' | 'active';

export type EarningStatus = 'pending' | 'transferred' | 'reversed';

/** GET /api/payments/earnings: the seller's share (amount) and the platform fee, in dollars. */
export interface Earning {
  orderId: string;
  ticketId: string | null;
  amount: number;
  fee: number;
  currency: string;
  status: EarningStatus;
  /** Why a pending earning has not been transferred yet. */
  pendingReason?: string;
  createdAt: string;
}

export interface Earnings {
  earnings: Earning[];
  totals: Record<EarningStatus, number>;
}
