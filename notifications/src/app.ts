import { createServiceApp, type Bus, type Logger, type Pool } from '@microtick/common';
import { Router } from 'express';
import { healthChecks } from './http/health-checks';

export interface NotificationsAppDeps {
  pool: Pick<Pool, 'query'>;
  bus: Pick<Bus, 'ping'>;
  logger: Logger;
}

/** Health, liveness and metrics only: the notifications service has no API; it listens and writes email. */
export function buildApp({ pool, bus, logger }: NotificationsAppDeps) {
  return createServiceApp({
    name: 'notifications',
    logger,
    healthChecks: healthChecks({ pool, bus }),
    routes: Router(),
  });
}
