import { fromCents } from '@microtick/common';
import type { Ticket } from '../store/tickets';

/** A ticket as the HTTP API shows it: the price as a decimal amount. */
export const presentTicket = (ticket: Ticket) => ({
  id: ticket.id,
  title: ticket.title,
  price: fromCents(ticket.priceCents),
  userId: ticket.userId,
  version: ticket.version,
  status: ticket.status,
  orderId: ticket.orderId,
});
