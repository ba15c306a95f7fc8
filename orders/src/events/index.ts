import type { Bus, Logger, Pool } from '@microtick/common';
import { paymentCreatedListener } from './payment-created';
import { paymentWindowClosedListener } from './payment-window-closed';
import { ticketCreatedListener } from './ticket-created';
import { ticketUpdatedListener } from './ticket-updated';

/** Every event the orders service listens to. */
export function ordersListeners(pool: Pool, logger: Logger) {
  return [
    ticketCreatedListener(pool),
    ticketUpdatedListener(pool, logger),
    paymentWindowClosedListener(pool, logger),
    paymentCreatedListener(pool, logger),
  ] as const;
}

export async function startListeners(bus: Bus, pool: Pool, logger: Logger): Promise<void> {
  for (const listener of ordersListeners(pool, logger)) await bus.listen(listener);
}
