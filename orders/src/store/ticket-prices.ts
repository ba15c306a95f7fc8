import { bounded } from './bounded';

export interface KnownTicket {
  priceCents: number;
  sellerId: string;
}

/**
 * The price and seller of tickets this process has just read or written into its replica, so that a batch
 * of orders builds its events without a read of its own: one round trip to PostgreSQL per batch instead of
 * two (the read cost the orders benchmark about a third of its throughput; docs/performance.md).
 *
 * Only a hint, never the decision: the placement statement inserts an order only while the replica still
 * has the price its order.created carries, and a request it finds repriced is tried again after the ticket
 * is forgotten here. So an entry older than the replica (another replica applied a price change) costs one
 * retry, never a wrong price.
 */
export class TicketPrices {
  private readonly known = new Map<string, KnownTicket>();

  /** Bounds the memory: past this many tickets, the oldest entries go first. */
  constructor(private readonly capacity = 100_000) {}

  get(ticketId: string): KnownTicket | undefined {
    return this.known.get(ticketId);
  }

  remember(ticketId: string, ticket: KnownTicket): void {
    this.known.delete(ticketId); // re-inserted last, so the oldest entry is the first one
    bounded(this.known, this.capacity).set(ticketId, ticket);
  }

  forget(ticketId: string): void {
    this.known.delete(ticketId);
  }
}

/** The one memory of this process: the replica's writes fill it, the order placer reads it. */
export const ticketPrices = new TicketPrices();
