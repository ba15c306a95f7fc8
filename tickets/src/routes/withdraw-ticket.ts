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
import { findTicket } from '../db/tickets';
import { changeTicket } from '../events/ticket-events';

// A reservation can land between reading the ticket and writing it; then the checks run again.
const MAX_ATTEMPTS = 5;

/** The seller takes an available ticket off sale for good; it is published as ticket.updated "withdrawn". */
export function withdrawTicketRouter(pool: Pool): Router {
  return Router().delete('/api/tickets/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Ticket not found');
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const ticket = await findTicket(pool, id);
      if (!ticket || ticket.status === TicketStatus.Withdrawn) throw new NotFoundError('Ticket not found');
      if (ticket.userId !== req.currentUser!.id) throw new ForbiddenError('Only the seller can withdraw this ticket');
      if (ticket.status === TicketStatus.Reserved) throw new ConflictError('Cannot withdraw a reserved ticket');
      if (ticket.status === TicketStatus.Sold) throw new ConflictError('Cannot withdraw a sold ticket');
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
