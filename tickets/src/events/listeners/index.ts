import type { Bus, Pool } from '@microtick/common';
import { OrderCreatedListener } from './order-created-listener';
import { OrderUpdatedListener } from './order-updated-listener';

/** Starts every durable consumer of the tickets service. */
export async function startListeners(bus: Bus, pool: Pool): Promise<void> {
  await bus.listen(new OrderCreatedListener(pool));
  await bus.listen(new OrderUpdatedListener(pool));
}
