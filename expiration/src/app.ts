import { createServiceApp, type Bus, type Logger } from '@microtick/common';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import { healthChecks } from './http/health-checks';

export interface ExpirationAppDeps {
  bus: Pick<Bus, 'ping'>;
  redis: Pick<Redis, 'ping'>;
  logger: Logger;
}

/** Health, liveness and metrics only: the expiration service has no API. */
export function buildApp({ bus, redis, logger }: ExpirationAppDeps) {
  return createServiceApp({ name: 'expiration', logger, healthChecks: healthChecks({ bus, redis }), routes: Router() });
}
