import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderView } from '@/components/orders/OrderView';
import { getOrder } from '@/lib/server-api';
import { stripePublishableKey } from '@/lib/config';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  // A missing order is the page's to answer (404, or sign in); thrown here it renders an empty error shell.
  const order = await getOrder(id).catch(() => null);
  return { title: order ? `Your order: ${order.ticket.title}` : 'Your order' };
}

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const order = await getOrder(id);
  return (
    <div className="narrow">
      <p className="muted small">
        <Link href="/orders">← My orders</Link>
      </p>
      <OrderView key={order.id} initialOrder={order} serverNow={Date.now()} stripeKey={stripePublishableKey()} />
    </div>
  );
}
