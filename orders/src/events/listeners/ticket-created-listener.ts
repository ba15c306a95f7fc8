import { Listener, type EventData, type Pool } from '@microtick/common';
import { insertTicket } from '../../db/tickets';

export class TicketCreatedListener extends Listener<'ticket.created'> {
  readonly subject = 'ticket.created' as const;
  readonly durableName = 'orders.ticket.created';

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.created'>): Promise<void> {
    await insertTicket(this.pool, ticket);
  }
}
