import { defineListener, type Pool } from '@microtick/common';
import { keepTicket } from '../store/tickets';

/** A renamed or re-dated ticket: the emails name it as it is now. */
export const ticketUpdatedListener = (pool: Pool) =>
  defineListener('notifications', 'ticket.updated', (ticket) => keepTicket(pool, ticket));
