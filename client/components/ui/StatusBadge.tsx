import { orderStatusLabel, ticketStatusLabel, type OrderDisplayStatus } from '@/lib/format';
import type { TicketStatus } from '@/lib/types';

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <span className={`badge badge-${status}`} data-testid="ticket-status">
      {ticketStatusLabel[status] ?? status}
    </span>
  );
}

export function OrderStatusBadge({ status }: { status: OrderDisplayStatus }) {
  return (
    <span className={`badge badge-${status}`} data-testid="order-status">
      {orderStatusLabel[status] ?? status}
    </span>
  );
}
