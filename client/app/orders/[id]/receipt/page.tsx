import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LocalTime } from '@/components/ui/LocalTime';
import { getCurrentUser, getOrder, getReceipt } from '@/lib/server-api';
import { formatEventStart } from '@/lib/event-time';
import { formatPrice } from '@/lib/format';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  const order = await getOrder(id).catch(() => null);
  return { title: order ? `Receipt: ${order.ticket.title}` : 'Receipt' };
}

export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [order, user] = await Promise.all([getOrder(id), getCurrentUser()]);
  if (order.status !== 'complete') notFound();
  const receipt = await getReceipt(id);
  return (
    <div className="narrow">
      <p className="muted small">
        <Link href={`/orders/${order.id}`}>← Your order</Link>
      </p>
      <article className="card receipt" data-testid="receipt">
        <h1>Receipt</h1>
        <dl className="receipt-lines">
          <dt>Ticket</dt>
          <dd data-testid="receipt-ticket">
            <Link href={`/tickets/${order.ticket.id}`}>{order.ticket.title}</Link>
          </dd>
          {order.ticket.venue && (
            <>
              <dt>Venue</dt>
              <dd data-testid="receipt-venue">{order.ticket.venue}</dd>
            </>
          )}
          {order.ticket.startsAt && (
            <>
              <dt>Event date</dt>
              <dd>
                <time dateTime={order.ticket.startsAt} data-testid="receipt-event-start">
                  {formatEventStart(order.ticket.startsAt)}
                </time>
              </dd>
            </>
          )}
          <dt>Amount paid</dt>
          <dd data-testid="receipt-amount">
            {formatPrice(receipt.amount)} {receipt.currency.toUpperCase()}
          </dd>
          <dt>Paid on</dt>
          <dd>
            <LocalTime iso={receipt.paidAt} testId="receipt-date" />
          </dd>
          <dt>Payment reference</dt>
          <dd className="receipt-reference" data-testid="receipt-reference">
            {receipt.reference}
          </dd>
          <dt>Order</dt>
          <dd className="receipt-reference">{order.id}</dd>
          {user && (
            <>
              <dt>Buyer</dt>
              <dd>{user.email}</dd>
            </>
          )}
        </dl>
        <p className="muted small">Keep this receipt: the payment reference identifies your payment.</p>
      </article>
    </div>
  );
}
