import { defineListener, type Pool } from '@microtick/common';
import { insertOrder } from '../store/orders';

export const orderCreatedListener = (pool: Pool) =>
  defineListener('notifications', 'order.created', (order) => insertOrder(pool, order));
