import { parseIdParam, parseRequest, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { editRefusal, keepsEventStarted } from '../rules';
import { changeAsSeller } from './change-as-seller';
import { ticketBodySchema } from './ticket-body';
import { presentTicket } from './present';

export function updateTicketRouter(pool: Pool): Router {
  return Router().put('/api/tickets/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Ticket not found');
    const body = parseRequest(ticketBodySchema, req.body);
    // A field the body leaves out stays as it is.
    const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    const updated = await changeAsSeller(
      pool,
      { id, userId: req.currentUser!.id, action: 'edit' },
      (ticket, userId) =>
        editRefusal(ticket, userId) ??
        (keepsEventStarted(ticket, body.startsAt, new Date()) ? 'event started' : undefined),
      changes,
    );
    res.json(presentTicket(updated));
  });
}
