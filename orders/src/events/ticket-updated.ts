import { defineListener, RetryLaterError, type Logger, type Pool } from '@microtick/common';
import { requestCancellationOfOpenOrders } from '../store/orders';
import { applyTicketUpdate } from '../store/tickets';

export const ticketUpdatedListener = (pool: Pool, logger: Logger) =>
  defineListener('orders', 'ticket.updated', async (ticket) => {
    const outcome = await applyTicketUpdate(pool, ticket);
    if (outcome === 'future' || outcome === 'unknown') {
      throw new RetryLaterError(`ticket ${ticket.id} version ${ticket.version} arrived before the one it follows`, 500);
    }
    if (outcome === 'stale')
      logger.debug({ ticketId: ticket.id, version: ticket.version }, 'stale ticket.updated dropped');
    // Withdrawn after this replica placed an order for it (the two raced): tickets drops that order's
    // order.created, so it could never be paid. Its cancel goes to payments' judge like a buyer's; asked
    // again on a redelivery (applied or stale), as a crash may come between the two writes.
    if (ticket.status === 'withdrawn') {
      const asked = await requestCancellationOfOpenOrders(pool, ticket.id);
      if (asked.length > 0)
        logger.info({ ticketId: ticket.id, orderIds: asked }, 'orders for a withdrawn ticket cancelled');
    }
  });
