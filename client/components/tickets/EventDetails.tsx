import { formatEventStart } from '@/lib/event-time';
import type { Ticket } from '@/lib/types';

/** Where and when the ticket's event is, and the seat; nothing for a listing without them. */
export function EventDetails({
  ticket,
}: {
  ticket: Pick<Ticket, 'venue' | 'startsAt'> & Partial<Pick<Ticket, 'seat'>>;
}) {
  if (!ticket.venue && !ticket.startsAt && !ticket.seat) return null;
  return (
    <dl className="event-details" data-testid="event-details">
      {ticket.venue && (
        <div>
          <dt>Venue</dt>
          <dd data-testid="event-venue">{ticket.venue}</dd>
        </div>
      )}
      {ticket.startsAt && (
        <div>
          <dt>Date</dt>
          <dd>
            <time dateTime={ticket.startsAt} data-testid="event-starts-at">
              {formatEventStart(ticket.startsAt)}
            </time>
          </dd>
        </div>
      )}
      {ticket.seat && (
        <div>
          <dt>Seat</dt>
          <dd data-testid="event-seat">{ticket.seat}</dd>
        </div>
      )}
    </dl>
  );
}
