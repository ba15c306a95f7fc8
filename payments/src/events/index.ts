import type { Bus, Logger, Pool } from '@microtick/common';
import type { PaymentGateway } from '../gateway';
import { OrderCreatedListener } from './order-created';
import { OrderUpdatedListener } from './order-updated';

export async function startListeners(bus: Bus, pool: Pool, gateway: PaymentGateway, logger: Logger): Promise<void> {
  await bus.listen(new OrderCreatedListener(pool));
  await bus.listen(new OrderUpdatedListener(pool, gateway, logger));
}
