import type { PoolClient } from '@microtick/common';

export async function recordCancelledOrder(client: PoolClient, orderId: string): Promise<void> {
  await client.query('INSERT INTO cancelled_orders (order_id) VALUES ($1) ON CONFLICT DO NOTHING', [orderId]);
}

export async function isCancelledOrder(client: PoolClient, orderId: string): Promise<boolean> {
  const { rowCount } = await client.query('SELECT 1 FROM cancelled_orders WHERE order_id = $1', [orderId]);
  return rowCount === 1;
}
