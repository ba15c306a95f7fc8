import Link from 'next/link';
import { formatPrice } from '@/lib/format';
import type { Ticket } from '@/lib/types';

export function TicketCard({ ticket }: { ticket: Ticket }) {
  return (
    <li className="ticket-card card" data-testid="ticket-card">
      <Link href={`/tickets/${ticket.id}`} className="ticket-card-link">
        <span className="ticket-card-title">{ticket.title}</span>
      </Link>
      <span className="ticket-card-price">{formatPrice(ticket.price)}</span>
    </li>
  );
}
