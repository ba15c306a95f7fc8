import type { Bus, Logger, Pool } from '@microtick/common';
import type { PaymentGateway } from '../../gateway';
import { ExpirationCompleteListener } from './expiration-complete-listener';
import { OrderCreatedListener } from './order-created-listener';
import { OrderUpdatedListener } from './order-updated-listener';

export async function startListeners(bus: Bus, pool: Pool, gateway: PaymentGateway, logger: Logger): Promise<void> {
  await bus.listen(new OrderCreatedListener(pool));
  await bus.listen(new OrderUpdatedListener(pool, gateway, logger));
  await bus.listen(new ExpirationCompleteListener(pool, gateway, logger));
}
