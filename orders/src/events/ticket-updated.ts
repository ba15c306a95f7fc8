import { Listener, RetryLaterError, type EventData, type Logger, type Pool, durableName } from '@microtick/common';
import { applyTicketUpdate } from '../store/tickets';

export class TicketUpdatedListener extends Listener<'ticket.updated'> {
  readonly subject = 'ticket.updated' as const;
  readonly durableName = durableName('orders', this.subject);

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
  ) {
    super();
  }

  async onMessage(ticket: EventData<'ticket.updated'>): Promise<void> {
    const outcome = await applyTicketUpdate(this.pool, ticket);
    if (outcome === 'future' || outcome === 'unknown') {
      throw new RetryLaterError(`ticket ${ticket.id} version ${ticket.version} arrived before the one it follows`, 500);
    }
    if (outcome === 'stale')
      this.logger.debug({ ticketId: ticket.id, version: ticket.version }, 'stale ticket.updated dropped');
  }
}
