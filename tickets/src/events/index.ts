import type { Bus, Pool } from '@microtick/common';
import { OrderCreatedListener } from './order-created';
import { OrderUpdatedListener } from './order-updated';

/** Starts every durable consumer of the tickets service. */
export async function startListeners(bus: Bus, pool: Pool): Promise<void> {
  await bus.listen(new OrderCreatedListener(pool));
  await bus.listen(new OrderUpdatedListener(pool));
}
