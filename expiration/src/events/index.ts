import type { Bus } from '@microtick/common';
import type { ExpirationQueue } from '../store/expiration-queue';
import { orderCreatedListener } from './order-created';

export async function startListeners(bus: Bus, queue: ExpirationQueue): Promise<void> {
  await bus.listen(orderCreatedListener(queue));
}
