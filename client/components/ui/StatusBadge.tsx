import { orderStatusLabel, ticketStatusLabel, type OrderDisplayStatus, type TicketDisplayStatus } from '@/lib/format';

export function TicketStatusBadge({ status }: { status: TicketDisplayStatus }) {
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
