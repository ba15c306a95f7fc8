import type { Bus } from '@microtick/common';
import type { Postman } from '../mail/send-due';
import { orderCreatedListener } from './order-created';
import { orderUpdatedListener } from './order-updated';
import { paymentCreatedListener } from './payment-created';
import { ticketCreatedListener } from './ticket-created';
import { ticketUpdatedListener } from './ticket-updated';
import { userCreatedListener } from './user-created';

export async function startListeners(bus: Bus, postman: Postman): Promise<void> {
  await bus.listen(userCreatedListener(postman));
  await bus.listen(ticketCreatedListener(postman.pool));
  await bus.listen(ticketUpdatedListener(postman.pool));
  await bus.listen(orderCreatedListener(postman.pool));
  await bus.listen(orderUpdatedListener(postman));
  await bus.listen(paymentCreatedListener(postman));
}
