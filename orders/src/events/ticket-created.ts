import { Listener, type EventData, type Pool, durableName } from '@microtick/common';
import { insertTicket } from '../store/tickets';

export class TicketCreatedListener extends Listener<'ticket.created'> {
  readonly subject = 'ticket.created' as const;
  readonly durableName = durableName('orders', this.subject);

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.created'>): Promise<void> {
    await insertTicket(this.pool, ticket);
  }
}
