import { NotFoundError, parseIdParam, TicketStatus, type Pool } from '@microtick/common';
import { Router } from 'express';
import { findTicket } from '../store/tickets';
import { presentTicket } from './present';

export function showTicketRouter(pool: Pool): Router {
  return Router().get('/api/tickets/:id', async (req, res) => {
    const ticket = await findTicket(pool, parseIdParam(req.params.id, 'Ticket not found'));
    // A withdrawn listing is gone for everyone but its seller, who still sees it under their own tickets.
    if (!ticket || ticket.status === TicketStatus.Withdrawn) throw new NotFoundError('Ticket not found');
    res.json(presentTicket(ticket));
  });
}
