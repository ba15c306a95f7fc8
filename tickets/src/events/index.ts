import type { Bus, Pool } from '@microtick/common';
import { orderCreatedListener } from './order-created';
import { orderUpdatedListener } from './order-updated';

/** Starts every durable consumer of the tickets service. */
export async function startListeners(bus: Bus, pool: Pool): Promise<void> {
  await bus.listen(orderCreatedListener(pool));
  await bus.listen(orderUpdatedListener(pool));
}
