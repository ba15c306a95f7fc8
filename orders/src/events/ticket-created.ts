import { defineListener, type Pool } from '@microtick/common';
import { insertTicket } from '../store/tickets';

export const ticketCreatedListener = (pool: Pool) =>
  defineListener('orders', 'ticket.created', (ticket) => insertTicket(pool, ticket));
