import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderView } from '@/components/orders/OrderView';
import { getOrder } from '@/lib/server-api';
import { stripePublishableKey } from '@/lib/config';

export const metadata: Metadata = { title: 'Your order' };

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
