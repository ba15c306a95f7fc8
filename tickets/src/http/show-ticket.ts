import { NotFoundError, parseIdParam, type Pool } from '@microtick/common';
import { Router } from 'express';
import { findTicket } from '../store/tickets';
import { presentTicket } from './present';

export function showTicketRouter(pool: Pool): Router {
  return Router().get('/api/tickets/:id', async (req, res) => {
    const ticket = await findTicket(pool, parseIdParam(req.params.id, 'Ticket not found'));
    if (!ticket) throw new NotFoundError('Ticket not found');
    res.json(presentTicket(ticket));
  });
}
