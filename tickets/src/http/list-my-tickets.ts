import { requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { listTicketsBySeller } from '../store/tickets';
import { presentTicket } from './present';

export function listMyTicketsRouter(pool: Pool): Router {
  return Router().get('/api/tickets/mine', requireAuth, async (req, res) => {
    const tickets = await listTicketsBySeller(pool, req.currentUser!.id);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ tickets: tickets.map(presentTicket) });
  });
}
