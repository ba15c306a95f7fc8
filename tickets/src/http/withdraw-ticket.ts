import { parseIdParam, requireAuth, TicketStatus, type Pool } from '@microtick/common';
import { Router } from 'express';
import { withdrawRefusal } from '../rules';
import { changeAsSeller } from './change-as-seller';

/** The seller takes an available ticket off sale for good; it is published as ticket.updated "withdrawn". */
export function withdrawTicketRouter(pool: Pool): Router {
  return Router().delete('/api/tickets/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Ticket not found');
    await changeAsSeller(pool, { id, userId: req.currentUser!.id, action: 'withdraw' }, withdrawRefusal, {
      status: TicketStatus.Withdrawn,
    });
    res.status(204).end();
  });
}
