import type { Metadata } from 'next';
import Link from 'next/link';
import { LocalTime } from '@/components/ui/LocalTime';
import { EventDetails } from '@/components/tickets/EventDetails';
import { OrderStatusBadge } from '@/components/ui/StatusBadge';
import { listMyOrders } from '@/lib/server-api';
import { formatPrice, orderDisplayStatus } from '@/lib/format';

export const metadata: Metadata = { title: 'My orders' };

export default async function MyOrdersPage() {
  const { orders } = await listMyOrders();
  const now = Date.now();
  return (
    <>
      <h1>My orders</h1>
      {orders.length === 0 ? (
        <div className="empty card" data-testid="empty-orders">
          <p>You have not ordered any tickets yet.</p>
          <Link href="/" className="button button-primary">
            Browse tickets
          </Link>
        </div>
      ) : (
        <ul className="rows" aria-label="My orders">
          {orders.map((order) => {
            const status = orderDisplayStatus(order, now);
            return (
              <li key={order.id} className="row card" data-testid="my-order">
                <Link href={`/orders/${order.id}`} className="row-title">
                  {order.ticket.title}
                </Link>
                <span className="row-price">{formatPrice(order.ticket.price)}</span>
                <OrderStatusBadge status={status} />
                <EventDetails ticket={order.ticket} />
                <span className="row-date muted small" data-testid="order-date">
                  Ordered <LocalTime iso={order.createdAt} />
                </span>
                <span className="row-action muted small">
                  {status === 'complete' && (
                    <Link href={`/orders/${order.id}/receipt`} data-testid="receipt-link">
                      Receipt
                    </Link>
                  )}
                  {status === 'awaiting-payment' && (
                    <>
                      Pay by <LocalTime iso={order.expiresAt} testId="pay-by" />
                    </>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
