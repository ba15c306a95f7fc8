import { defineListener } from '@microtick/common';
import { sendDue, type Postman } from '../mail/send-due';
import { closedOrdersOf } from '../store/orders';
import { addUser } from '../store/users';

/** Fills the address book, then sends what waited for this address (its orders' own events wait too). */
export const userCreatedListener = (postman: Postman) =>
  defineListener('notifications', 'user.created', async (user) => {
    await addUser(postman.pool, user);
    for (const orderId of await closedOrdersOf(postman.pool, user.id)) await sendDue(postman, orderId);
  });
