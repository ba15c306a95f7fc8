import { z } from 'zod';

/** The event catalog: every subject on the bus, its payload schema and type. The one definition. */

const uuid = z.uuid();
const cents = z.number().int().positive();
const version = z.number().int().nonnegative();
// The event a ticket is for. Null when the seller gave none; events recorded before these fields existed lack them.
const eventDetails = {
  venue: z.string().min(1).max(120).nullable().default(null),
  startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
  seat: z.string().min(1).max(60).nullable().default(null),
};

export const TicketStatus = {
  Available: 'available',
  Reserved: 'reserved',
  Sold: 'sold',
  Withdrawn: 'withdrawn',
} as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];

export const OrderStatus = {
  Created: 'created',
  Cancelled: 'cancelled',
  Complete: 'complete',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const eventSchemas = {
  'ticket.created': z.object({
    id: uuid,
    title: z.string().min(1),
    price: cents,
    userId: uuid,
    version: z.literal(0),
    ...eventDetails,
  }),
  'ticket.updated': z.object({
    id: uuid,
    title: z.string().min(1),
    price: cents,
    userId: uuid,
    version,
    orderId: uuid.nullable(),
    status: z.enum(['available', 'reserved', 'sold', 'withdrawn']),
    ...eventDetails,
  }),
  'order.created': z.object({
    id: uuid,
    userId: uuid,
    status: z.literal('created'),
    expiresAt: z.iso.datetime(),
    // sellerId: whom payments pays when the order completes. Null on events recorded before it was carried.
    ticket: z.object({ id: uuid, price: cents, sellerId: uuid.nullable().default(null) }),
    version: z.literal(0),
  }),
  'order.updated': z.object({
    id: uuid,
    userId: uuid,
    status: z.enum(['cancelled', 'complete']),
    ticket: z.object({ id: uuid }),
    version,
    // Why a cancelled order was cancelled (null when complete, and on events recorded before it was carried):
    // its buyer cancelled it, its window ended, or its seller withdrew the ticket while it was being placed.
    cancelReason: z.enum(['buyer', 'expired', 'withdrawn']).nullable().default(null),
  }),
  /**
   * Orders asks to cancel this open order: its buyer asked (buyer), or its seller withdrew the ticket while
   * it was being placed (withdrawn). Payments, the window's one judge, closes the window for it
   * (payment.window-closed with the same reason) unless a payment won; orders cancels on that verdict.
   */
  'order.cancellation-requested': z.object({ orderId: uuid, reason: z.enum(['buyer', 'withdrawn']).default('buyer') }),
  'expiration.complete': z.object({ orderId: uuid }),
  'payment.created': z.object({
    id: uuid,
    orderId: uuid,
    amount: cents,
    providerPaymentId: z.string().min(1),
  }),
  /**
   * Payments closed the order's payment window with no charge standing: the order is cancelled, because its
   * window ended (expired; events recorded before the reason was carried), or at the request of orders
   * (buyer, withdrawn).
   */
  'payment.window-closed': z.object({
    orderId: uuid,
    reason: z.enum(['expired', 'buyer', 'withdrawn']).default('expired'),
  }),
  /** A user signed up: the services that write to people keep their own address book. */
  'user.created': z.object({ id: uuid, email: z.email(), version: z.literal(0) }),
  /** Sessions signed out (sign-out, password change): every verifying replica refuses them from now on. */
  'user.session-revoked': z.object({
    userId: uuid,
    sessionIds: z.array(uuid).min(1).max(1000),
  }),
} as const;

export type Subject = keyof typeof eventSchemas;
export const subjects = Object.keys(eventSchemas) as Subject[];
export type EventData<S extends Subject> = z.infer<(typeof eventSchemas)[S]>;

export interface Envelope<S extends Subject = Subject> {
  id: string;
  subject: S;
  occurredAt: string;
  data: EventData<S>;
}

const envelopeSchema = z.object({
  id: uuid,
  subject: z.enum(subjects as [Subject, ...Subject[]]),
  occurredAt: z.iso.datetime(),
  data: z.unknown(),
});

export class InvalidEventError extends Error {
  constructor(readonly reason: string) {
    super(`Invalid event: ${reason}`);
  }
}

/** Validates an envelope and its payload against the catalog; throws InvalidEventError. */
export function parseEnvelope<S extends Subject>(raw: unknown, expected?: S): Envelope<S> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) throw new InvalidEventError(z.prettifyError(envelope.error));
  if (expected && envelope.data.subject !== expected) {
    throw new InvalidEventError(`expected subject ${expected}, got ${envelope.data.subject}`);
  }
  const subject = envelope.data.subject as S;
  const data = eventSchemas[subject].safeParse(envelope.data.data);
  if (!data.success) throw new InvalidEventError(z.prettifyError(data.error));
  return { ...envelope.data, subject, data: data.data as EventData<S> };
}

/** Validates a payload before it is recorded or published, so a bad event never leaves a service. */
export function validateEventData<S extends Subject>(subject: S, data: EventData<S>): EventData<S> {
  const parsed = eventSchemas[subject].safeParse(data);
  if (!parsed.success) throw new InvalidEventError(z.prettifyError(parsed.error));
  return parsed.data as EventData<S>;
}
