import type { Bus } from '@microtick/common';
import type { Redis } from 'ioredis';

/**
 * What /health asks (the service has no API; /alive and /metrics come with every service's app): the
 * bus it publishes expiration.complete on, and the Redis its queue lives in.
 */
export const healthChecks = ({ bus, redis }: { bus: Pick<Bus, 'ping'>; redis: Pick<Redis, 'ping'> }) => ({
  bus: () => bus.ping(),
  redis: () => redis.ping(),
});
