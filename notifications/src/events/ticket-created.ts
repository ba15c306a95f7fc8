import { defineListener, type Pool } from '@microtick/common';
import { keepTicket } from '../store/tickets';

/** The ticket's title, event and seller, for the emails about its orders. */
export const ticketCreatedListener = (pool: Pool) =>
  defineListener('notifications', 'ticket.created', (ticket) => keepTicket(pool, ticket));
