import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderView } from '@/components/OrderView';
import { getOrder } from '@/lib/api';
import { stripePublishableKey } from '@/lib/config';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  return { title: `Your order: ${(await getOrder(id)).ticket.title}` };
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
