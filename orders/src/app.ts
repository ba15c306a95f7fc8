import { createServiceApp, type Bus, type Logger, type Pool, type SessionVerifier } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import type { OrdersConfig } from './config';
import { cancelOrderRouter } from './http/cancel-order';
import { createOrderRouter } from './http/create-order';
import { listOrdersRouter } from './http/list-orders';
import { showOrderRouter } from './http/show-order';

export interface OrdersDeps {
  pool: Pool;
  bus: Pick<Bus, 'ping'>;
  config: OrdersConfig;
  logger: Logger;
  sessions: SessionVerifier;
  /** The per-user write limit (production: userWriteLimit over Redis). */
  writeLimit?: RequestHandler;
}

export function buildApp({ pool, bus, config, logger, sessions, writeLimit }: OrdersDeps) {
  const routes = Router()
    .use(createOrderRouter(pool, config))
    .use(listOrdersRouter(pool))
    .use(showOrderRouter(pool))
    .use(cancelOrderRouter(pool));
  return createServiceApp({
    name: 'orders',
    logger,
    sessions,
    writeLimit,
    healthChecks: { database: () => pool.query('SELECT 1'), bus: () => bus.ping() },
    routes,
  });
}
