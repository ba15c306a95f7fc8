import { defineListener } from '@microtick/common';
import { scheduleExpiration, type ExpirationQueue } from '../store/expiration-queue';

/** Resolves (and so acks) only once the job is stored in Redis. */
export const orderCreatedListener = (queue: ExpirationQueue) =>
  defineListener('expiration', 'order.created', (order) => scheduleExpiration(queue, order));
