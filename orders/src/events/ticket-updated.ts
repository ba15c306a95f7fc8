import { defineListener, RetryLaterError, type Logger, type Pool } from '@microtick/common';
import { applyTicketUpdate } from '../store/tickets';

export const ticketUpdatedListener = (pool: Pool, logger: Logger) =>
  defineListener('orders', 'ticket.updated', async (ticket) => {
    const outcome = await applyTicketUpdate(pool, ticket);
    if (outcome === 'future' || outcome === 'unknown') {
      throw new RetryLaterError(`ticket ${ticket.id} version ${ticket.version} arrived before the one it follows`, 500);
    }
    if (outcome === 'stale')
      logger.debug({ ticketId: ticket.id, version: ticket.version }, 'stale ticket.updated dropped');
  });
