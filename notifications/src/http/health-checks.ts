import type { Bus, Pool } from '@microtick/common';

/**
 * What /health asks (the service has no API; /alive and /metrics come with every service's app): the
 * database its address book and sent-log live in, and the bus its events come from. Not the SMTP server:
 * while it is down the emails wait, and restarting this service would not bring it back.
 */
export const healthChecks = ({ pool, bus }: { pool: Pick<Pool, 'query'>; bus: Pick<Bus, 'ping'> }) => ({
  database: () => pool.query('SELECT 1'),
  bus: () => bus.ping(),
});
