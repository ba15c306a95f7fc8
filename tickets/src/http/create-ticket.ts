import { parseRequest, requireAuth, withTransaction, type Pool } from '@microtick/common';
import { Router } from 'express';
import { insertTicket } from '../store/tickets';
import { recordTicketCreated } from '../store/ticket-events';
import { ticketBodySchema } from './ticket-body';
import { presentTicket } from './present';

export function createTicketRouter(pool: Pool): Router {
  return Router().post('/api/tickets', requireAuth, async (req, res) => {
    const { title, priceCents } = parseRequest(ticketBodySchema, req.body);
    const ticket = await withTransaction(pool, async (client) => {
      const created = await insertTicket(client, { title, priceCents, userId: req.currentUser!.id });
      await recordTicketCreated(client, created);
      return created;
    });
    res.status(201).json(presentTicket(ticket));
  });
}
