import { ConflictError, ForbiddenError, NotFoundError, parseRequest, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { z } from 'zod';
import type { OrdersConfig } from '../config';
import { insertOrder, TicketAlreadyReserved } from '../db/orders';
import { findTicket } from '../db/tickets';
import { orderView } from './order-view';

const createOrderSchema = z.object({
  ticketId: z.uuid({
    error: (issue) => (issue.input === undefined ? 'Ticket id is required' : 'Ticket id must be a valid id'),
  }),
});

export function createOrderRouter(pool: Pool, config: Pick<OrdersConfig, 'ORDER_EXPIRATION_SECONDS'>): Router {
  return Router().post('/api/orders', requireAuth, async (req, res) => {
    const buyer = req.currentUser!;
    const { ticketId } = parseRequest(createOrderSchema, req.body);
    const ticket = await findTicket(pool, ticketId.toLowerCase());
    if (!ticket) throw new NotFoundError('Ticket not found');
    if (ticket.userId === buyer.id) throw new ForbiddenError('You cannot order your own ticket');
    const expiresAt = new Date(Date.now() + config.ORDER_EXPIRATION_SECONDS * 1000);
    try {
      const order = await insertOrder(pool, { userId: buyer.id, ticket, expiresAt });
      res.status(201).json(orderView(order));
    } catch (err) {
      // The partial unique index is the guard: an open or complete order already holds this ticket.
      if (err instanceof TicketAlreadyReserved) throw new ConflictError('Ticket is already reserved');
      throw err;
    }
  });
}
