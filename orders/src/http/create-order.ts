import { ConflictError, ForbiddenError, NotFoundError, parseRequest, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import { z } from 'zod';
import type { OrdersConfig } from '../config';
import { OrderPlacer } from '../store/order-placer';
import { presentOrder } from './present';

const createOrderSchema = z.object({
  ticketId: z.uuid({
    error: (issue) => (issue.input === undefined ? 'Ticket id is required' : 'Ticket id must be a valid id'),
  }),
});

export function createOrderRouter(
  pool: Pool,
  config: Pick<
    OrdersConfig,
    'ORDER_EXPIRATION_SECONDS' | 'MAX_OPEN_ORDERS_PER_BUYER' | 'ORDER_REORDER_COOLDOWN_SECONDS'
  >,
): Router {
  const placer = new OrderPlacer(pool, undefined, {
    maxOpenOrders: config.MAX_OPEN_ORDERS_PER_BUYER,
    reorderCooldownSeconds: config.ORDER_REORDER_COOLDOWN_SECONDS,
  });
  return Router().post('/api/orders', requireAuth, async (req, res) => {
    const buyer = req.currentUser!;
    const { ticketId } = parseRequest(createOrderSchema, req.body);
    const expiresAt = new Date(Date.now() + config.ORDER_EXPIRATION_SECONDS * 1000);
    const placed = await placer.place({ userId: buyer.id, ticketId: ticketId.toLowerCase(), expiresAt });
    if (placed.outcome === 'unknown ticket') throw new NotFoundError('Ticket not found');
    if (placed.outcome === 'own ticket') throw new ForbiddenError('You cannot order your own ticket');
    // The partial unique index is the guard: an open or complete order already holds this ticket.
    if (placed.outcome === 'reserved') throw new ConflictError('Ticket is already reserved');
    if (placed.outcome === 'too many holds') {
      throw new ConflictError(`You can hold at most ${config.MAX_OPEN_ORDERS_PER_BUYER} tickets at once`);
    }
    if (placed.outcome === 'cooling down') {
      throw new ConflictError(
        `You let this ticket go less than ${config.ORDER_REORDER_COOLDOWN_SECONDS} seconds ago; try again later`,
      );
    }
    res.status(201).json(presentOrder(placed.order));
  });
}
