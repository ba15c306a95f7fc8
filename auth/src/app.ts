import { createServiceApp, TooManyRequestsError, type Logger, type Pool } from '@microtick/common';
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AuthConfig } from './config';
import { currentUserRouter } from './http/current-user';
import { signinRouter } from './http/signin';
import { signoutRouter } from './http/signout';
import { signupRouter } from './http/signup';

export interface AuthDeps {
  pool: Pool;
  config: AuthConfig;
  logger: Logger;
}

export function buildApp({ pool, config, logger }: AuthDeps) {
  // One budget per client address and route; in-memory, so each replica counts on its own.
  const limiter = () =>
    rateLimit({
      windowMs: config.AUTH_RATE_WINDOW_SECONDS * 1000,
      limit: config.AUTH_RATE_LIMIT,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next) => next(new TooManyRequestsError()),
    });
  // Failed sign-ins per account, whatever address they come from (ASVS 2.2.1: at most 100 an hour).
  const accountLimiter = rateLimit({
    windowMs: 3600 * 1000,
    limit: config.AUTH_ACCOUNT_FAILURE_LIMIT,
    skipSuccessfulRequests: true,
    // Only a string can name an account; String() of some JSON objects ({"toString": 1}) throws.
    keyGenerator: (req) => {
      const email: unknown = req.body?.email;
      return `account:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
    },
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new TooManyRequestsError('Too many failed sign-ins for this account, try again later')),
  });
  const routes = Router()
    .use(signupRouter(pool, config, limiter()))
    .use(signinRouter(pool, config, [limiter(), accountLimiter]))
    .use(signoutRouter(config))
    .use(currentUserRouter());
  return createServiceApp({
    name: 'auth',
    logger,
    jwtKey: config.JWT_KEY,
    healthChecks: { database: () => pool.query('SELECT 1') },
    routes,
  });
}
