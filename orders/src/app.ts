import { createUserFacingApp, type UserFacingAppDeps } from '@microtick/common';
import { Router } from 'express';
import type { OrdersConfig } from './config';
import { cancelOrderRouter } from './http/cancel-order';
import { createOrderRouter } from './http/create-order';
import { listOrdersRouter } from './http/list-orders';
import { showOrderRouter } from './http/show-order';

export interface OrdersDeps extends UserFacingAppDeps {
  config: OrdersConfig;
  /** How long a cancel waits for payments' verdict (tests shorten it). */
  cancelVerdictWaitMs?: number;
}

export function buildApp(deps: OrdersDeps) {
  const { pool, config } = deps;
  return createUserFacingApp('orders', deps, {
    routes: Router()
      .use(createOrderRouter(pool, config))
      .use(listOrdersRouter(pool))
      .use(showOrderRouter(pool))
      .use(cancelOrderRouter(pool, { verdictWaitMs: deps.cancelVerdictWaitMs })),
  });
}
