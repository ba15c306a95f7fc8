import { durableName, Listener, type EventData, type Pool } from '@microtick/common';
import { keepTicket } from '../store/tickets';

/** A renamed or re-dated ticket: the emails name it as it is now. */
export class TicketUpdatedListener extends Listener<'ticket.updated'> {
  readonly subject = 'ticket.updated' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly pool: Pool) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.updated'>): Promise<void> {
    await keepTicket(this.pool, ticket);
  }
}
