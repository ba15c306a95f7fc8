import { ConflictError, ForbiddenError, NotFoundError, withTransaction, type Pool } from '@microtick/common';
import type { editRefusal } from '../rules';

export type SellerRefusal = ReturnType<typeof editRefusal> | 'event started';
import { findTicket, type Ticket } from '../store/tickets';
import { changeTicket } from '../store/ticket-events';

// A reservation can land between reading the ticket and writing it; then the checks run again.
const MAX_ATTEMPTS = 5;

/**
 * Applies a seller's change to their ticket when the rule lets them (`refusal`): 404 for an unknown or
 * withdrawn ticket, 403 for anyone but the seller, 409 for a reserved or sold one, for an edit that would
 * keep a started event on sale, or when the ticket keeps changing under the request.
 */
export async function changeAsSeller(
  pool: Pool,
  { id, userId, action }: { id: string; userId: string; action: 'edit' | 'withdraw' },
  refusal: (ticket: Ticket, userId: string) => SellerRefusal,
  changes: Parameters<typeof changeTicket>[2],
): Promise<Ticket> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const ticket = await findTicket(pool, id);
    if (!ticket) throw new NotFoundError('Ticket not found');
    const refused = refusal(ticket, userId);
    if (refused === 'withdrawn') throw new NotFoundError('Ticket not found');
    if (refused === 'not the seller') throw new ForbiddenError(`Only the seller can ${action} this ticket`);
    if (refused === 'event started') {
      throw new ConflictError('Event has already started: give it a new start if it was postponed');
    }
    if (refused) throw new ConflictError(`Cannot ${action} a ${refused} ticket`);
    const changed = await withTransaction(pool, (client) => changeTicket(client, ticket, changes));
    if (changed) return changed;
  }
  throw new ConflictError('The ticket is being changed by someone else, try again');
}
