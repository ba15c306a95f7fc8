import { durableName, Listener, type EventData, type Pool } from '@microtick/common';
import { keepTicket } from '../store/tickets';

/** The ticket's title, event and seller, for the emails about its orders. */
export class TicketCreatedListener extends Listener<'ticket.created'> {
  readonly subject = 'ticket.created' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.created'>): Promise<void> {
    await keepTicket(this.pool, ticket);
  }
}
