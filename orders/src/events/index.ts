import type { Bus, Logger, Pool } from '@microtick/common';
import { PaymentCreatedListener } from './payment-created';
import { PaymentWindowClosedListener } from './payment-window-closed';
import { TicketCreatedListener } from './ticket-created';
import { TicketUpdatedListener } from './ticket-updated';

/** Every event the orders service listens to. */
export function ordersListeners(pool: Pool, logger: Logger) {
  return [
    new TicketCreatedListener(pool),
    new TicketUpdatedListener(pool, logger),
    new PaymentWindowClosedListener(pool, logger),
    new PaymentCreatedListener(pool, logger),
  ] as const;
}

export async function startListeners(bus: Bus, pool: Pool, logger: Logger): Promise<void> {
  for (const listener of ordersListeners(pool, logger)) await bus.listen(listener);
}
