import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  parseIdParam,
  parseRequest,
  requireAuth,
  withTransaction,
  type Pool,
} from '@microtick/common';
import { Router } from 'express';
import { editRefusal } from '../rules';
import { findTicket } from '../store/tickets';
import { changeTicket } from '../store/ticket-events';
import { ticketBodySchema } from './ticket-body';
import { presentTicket } from './present';

// A reservation can land between reading the ticket and writing it; then the checks run again.
const MAX_ATTEMPTS = 5;

export function updateTicketRouter(pool: Pool): Router {
  return Router().put('/api/tickets/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Ticket not found');
    const changes = parseRequest(ticketBodySchema, req.body);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const ticket = await findTicket(pool, id);
      if (!ticket) throw new NotFoundError('Ticket not found');
      const refusal = editRefusal(ticket, req.currentUser!.id);
      if (refusal === 'not the seller') throw new ForbiddenError('Only the seller can edit this ticket');
      if (refusal) throw new ConflictError(`Cannot edit a ${refusal} ticket`);
      const updated = await withTransaction(pool, (client) => changeTicket(client, ticket, changes));
      if (updated) {
        res.json(presentTicket(updated));
        return;
      }
    }
    throw new ConflictError('The ticket is being changed by someone else, try again');
  });
}
