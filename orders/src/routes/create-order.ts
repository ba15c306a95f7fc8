import { ConflictError, ForbiddenError, NotFoundError, parseRequest, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { z } from 'zod';
import type { OrdersConfig } from '../config';
import { placeOrder, TicketAlreadyReserved, type PlaceOrderResult } from '../db/orders';
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
    const expiresAt = new Date(Date.now() + config.ORDER_EXPIRATION_SECONDS * 1000);
    let placed: PlaceOrderResult;
    try {
      placed = await placeOrder(pool, { userId: buyer.id, ticketId: ticketId.toLowerCase(), expiresAt });
    } catch (err) {
      // The partial unique index is the guard: an open or complete order already holds this ticket.
      if (err instanceof TicketAlreadyReserved) throw new ConflictError('Ticket is already reserved');
      throw err;
    }
    if (placed.outcome === 'unknown ticket') throw new NotFoundError('Ticket not found');
    if (placed.outcome === 'own ticket') throw new ForbiddenError('You cannot order your own ticket');
    res.status(201).json(orderView(placed.order));
  });
}
