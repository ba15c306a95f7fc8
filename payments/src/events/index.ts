import type { Bus, Logger, Pool } from '@microtick/common';
import type { PaymentGateway } from '../gateway';
import { ExpirationCompleteListener } from './expiration-complete';
import { OrderCreatedListener } from './order-created';
import { OrderUpdatedListener } from './order-updated';
import { TicketUpdatedListener } from './ticket-updated';

export async function startListeners(
  bus: Bus,
  pool: Pool,
  gateway: PaymentGateway,
  logger: Logger,
  options: { platformFeeBps: number },
): Promise<void> {
  await bus.listen(new OrderCreatedListener(pool));
  await bus.listen(new OrderUpdatedListener(pool, gateway, logger, options.platformFeeBps));
  await bus.listen(new ExpirationCompleteListener(pool, gateway, logger));
  await bus.listen(new TicketUpdatedListener(pool));
}
