import type { Bus } from '@microtick/common';
import type { ExpirationQueue } from '../../expiration-queue';
import { OrderCreatedListener } from './order-created-listener';

export async function startListeners(bus: Bus, queue: ExpirationQueue): Promise<void> {
  await bus.listen(new OrderCreatedListener(queue));
}
