import type { Bus, Logger, Pool } from '@microtick/common';
import type { PaymentGateway } from '../gateway';
import { expirationCompleteListener } from './expiration-complete';
import { orderCancellationRequestedListener } from './order-cancellation-requested';
import { orderCreatedListener } from './order-created';
import { orderUpdatedListener } from './order-updated';
import { ticketUpdatedListener } from './ticket-updated';

export async function startListeners(
  bus: Bus,
  pool: Pool,
  gateway: PaymentGateway,
  logger: Logger,
  options: { platformFeeBps: number },
): Promise<void> {
  await bus.listen(orderCreatedListener(pool));
  await bus.listen(orderUpdatedListener(pool, gateway, logger, options.platformFeeBps));
  await bus.listen(expirationCompleteListener(pool, gateway, logger));
  await bus.listen(orderCancellationRequestedListener(pool, gateway, logger));
  await bus.listen(ticketUpdatedListener(pool));
}
