import { bounded } from './bounded';

/**
 * Tickets this process has just seen held: PostgreSQL placed an order for them, or refused one because
 * an open or complete order already held them. During an on-sale thousands of buyers ask for the same
 * hundred tickets within a second; once a ticket is known held, the next buyers are answered 409 from
 * memory instead of joining a batch that PostgreSQL would only refuse (docs/performance.md).
 *
 * Only refusals come from here: every order placed is still decided by the database. A ticket is
 * remembered for `heldForMs` after the database last said it was held, and forgotten at once when this
 * process cancels or completes one of its orders, so a ticket another replica released reads as held for
 * at most that long (the delay DESIGN.md allows the events). The seller's own request goes to the
 * database, which answers 403 as before.
 */
export class HeldTickets {
  private readonly until = new Map<string, { sellerId: string; untilMs: number }>();
  /** When each ticket was last forgotten, by `changes`: what a batch read before that is not learned. */
  private readonly forgottenAt = new Map<string, number>();
  private changes = 0;

  constructor(
    private readonly heldForMs = 1000,
    /** Bounds the memory: past this many tickets, the oldest entries go first. */
    private readonly capacity = 10_000,
  ) {}

  /** Taken before asking the database; given back to `held` with what it answered. */
  mark(): number {
    return this.changes;
  }

  /**
   * The database said this ticket is held (an order was placed, or refused as reserved), in a statement
   * sent after `mark`. Not learned if an order of the ticket changed here since: the answer may be older.
   */
  held(ticketId: string, sellerId: string, mark: number, nowMs = Date.now()): void {
    if ((this.forgottenAt.get(ticketId) ?? -1) >= mark) return;
    this.until.delete(ticketId); // re-inserted last, so the oldest entry is the first one
    bounded(this.until, this.capacity).set(ticketId, { sellerId, untilMs: nowMs + this.heldForMs });
  }

  /** An order of this ticket changed here: ask the database again. */
  forget(ticketId: string): void {
    this.until.delete(ticketId);
    this.forgottenAt.delete(ticketId);
    bounded(this.forgottenAt, this.capacity).set(ticketId, this.changes);
    this.changes += 1;
  }

  /** Whether `buyerId`'s order for the ticket is refused as reserved without asking the database. */
  refuses(ticketId: string, buyerId: string, nowMs = Date.now()): boolean {
    const entry = this.until.get(ticketId);
    if (!entry) return false;
    if (nowMs >= entry.untilMs) {
      this.until.delete(ticketId);
      return false;
    }
    return entry.sellerId !== buyerId;
  }
}

/** The one memory of this process: the order placer reads and fills it, every order transition empties it. */
export const heldTickets = new HeldTickets();
