import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  parseIdParam,
  requireAuth,
  TicketStatus,
  withTransaction,
  type Pool,
} from '@microtick/common';
import { Router } from 'express';
import { withdrawRefusal } from '../rules';
import { findTicket } from '../store/tickets';
import { changeTicket } from '../store/ticket-events';

// A reservation can land between reading the ticket and writing it; then the checks run again.
const MAX_ATTEMPTS = 5;

/** The seller takes an available ticket off sale for good; it is published as ticket.updated "withdrawn". */
export function withdrawTicketRouter(pool: Pool): Router {
  return Router().delete('/api/tickets/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Ticket not found');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const ticket = await findTicket(pool, id);
      if (!ticket) throw new NotFoundError('Ticket not found');
      const refusal = withdrawRefusal(ticket, req.currentUser!.id);
      if (refusal === 'withdrawn') throw new NotFoundError('Ticket not found');
      if (refusal === 'not the seller') throw new ForbiddenError('Only the seller can withdraw this ticket');
      if (refusal) throw new ConflictError(`Cannot withdraw a ${refusal} ticket`);
      const withdrawn = await withTransaction(pool, (client) =>
        changeTicket(client, ticket, { status: TicketStatus.Withdrawn }),
      );
      if (withdrawn) {
        res.status(204).end();
        return;
      }
    }
    throw new ConflictError('The ticket is being changed by someone else, try again');
  });
}
