import { durableName, Listener, type EventData } from '@microtick/common';
import { sendDue, type Postman } from '../mail/send-due';
import { closedOrdersOf } from '../store/orders';
import { addUser } from '../store/users';

/** Fills the address book, then sends what waited for this address (its orders' own events wait too). */
export class UserCreatedListener extends Listener<'user.created'> {
  readonly subject = 'user.created' as const;
  readonly durableName = durableName('notifications', this.subject);

  constructor(private readonly postman: Postman) {
    super();
  }

  async onMessage(user: EventData<'user.created'>): Promise<void> {
    await addUser(this.postman.pool, user);
    for (const orderId of await closedOrdersOf(this.postman.pool, user.id)) await sendDue(this.postman, orderId);
  }
}
