import type { Bus } from '@microtick/common';
import type { Postman } from '../mail/send-due';
import { OrderCreatedListener } from './order-created';
import { OrderUpdatedListener } from './order-updated';
import { PaymentCreatedListener } from './payment-created';
import { TicketCreatedListener } from './ticket-created';
import { TicketUpdatedListener } from './ticket-updated';
import { UserCreatedListener } from './user-created';

export async function startListeners(bus: Bus, postman: Postman): Promise<void> {
  await bus.listen(new UserCreatedListener(postman));
  await bus.listen(new TicketCreatedListener(postman.pool));
  await bus.listen(new TicketUpdatedListener(postman.pool));
  await bus.listen(new OrderCreatedListener(postman.pool));
  await bus.listen(new OrderUpdatedListener(postman));
  await bus.listen(new PaymentCreatedListener(postman));
}
