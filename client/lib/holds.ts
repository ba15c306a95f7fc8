import { cache } from 'react';
import { serverFetch } from './server-api';
import type { Hold, Order } from './types';

/** The signed-in buyer's open orders (none when signed out, or when orders cannot be reached). */
export const getOpenHolds = cache(async (): Promise<Hold[]> => {
  try {
    const { orders } = await serverFetch<{ orders: Order[] }>('orders', '/api/orders');
    const now = Date.now();
    return orders
      .filter((order) => order.status === 'created' && Date.parse(order.expiresAt) > now)
      .map((order) => ({
        orderId: order.id,
        ticketId: order.ticket.id,
        title: order.ticket.title,
        expiresAt: order.expiresAt,
      }));
  } catch {
    return [];
  }
});
