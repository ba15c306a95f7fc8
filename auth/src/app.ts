import {
  createServiceApp,
  loadSigningKeys,
  localKeys,
  sessionVerifier,
  sharedRateLimit,
  userWriteLimit,
  type Logger,
  type Pool,
  type RateLimitStore,
} from '@microtick/common';
import { Router, type Request } from 'express';
import type { AuthConfig } from './config';
import { lockoutAccount } from './rules';
import { isLiveSession } from './store/sessions';
import { changePasswordRouter } from './http/change-password';
import { currentUserRouter } from './http/current-user';
import { jwksRouter } from './http/jwks';
import { signinRouter } from './http/signin';
import { signoutRouter } from './http/signout';
import { signupRouter } from './http/signup';

export interface AuthDeps {
  pool: Pool;
  config: AuthConfig;
  logger: Logger;
  /** The shared store of the rate limits (every replica counts in it). */
  redis: RateLimitStore;
}

export function buildApp({ pool, config, logger, redis }: AuthDeps) {
  const keys = loadSigningKeys(config.AUTH_SIGNING_KEY, config.AUTH_PREVIOUS_SIGNING_KEYS);
  // Auth is the source of truth for sessions: its own row decides, so a revocation is immediate here.
  const sessions = sessionVerifier({
    keys: localKeys(keys.jwks),
    maxAgeSeconds: config.SESSION_TTL_SECONDS,
    isRevoked: async ({ sessionId, user }) => !(await isLiveSession(pool, sessionId, user.id)),
  });
  // One budget per client address and route, shared by every replica.
  const addressLimit = (route: string) =>
    sharedRateLimit({
      redis,
      prefix: `rl:auth:${route}:`,
      limit: config.AUTH_RATE_LIMIT,
      windowSeconds: config.AUTH_RATE_WINDOW_SECONDS,
      logger,
    });
  // Failed password checks per account, whatever address they come from (ASVS 2.2.1: at most 100 an hour).
  const accountFailures = (account: (req: Request) => string) =>
    sharedRateLimit({
      redis,
      prefix: 'rl:auth:account-failures:',
      limit: config.AUTH_ACCOUNT_FAILURE_LIMIT,
      windowSeconds: 3600,
      skipSuccessfulRequests: true,
      keyGenerator: account,
      logger,
      message: 'Too many failed sign-ins for this account, try again later',
    });
  const issuer = { pool, config, signing: keys.signing };
  const routes = Router()
    .use(jwksRouter(keys.jwks))
    .use(signupRouter(issuer, addressLimit('signup')))
    .use(signinRouter(issuer, [addressLimit('signin'), accountFailures((req) => lockoutAccount(req.body?.email))]))
    .use(signoutRouter(pool, config))
    .use(
      changePasswordRouter(
        pool,
        accountFailures((req) => req.currentUser!.email),
      ),
    )
    .use(currentUserRouter());
  return createServiceApp({
    name: 'auth',
    logger,
    sessions,
    writeLimit: userWriteLimit({
      redis,
      service: 'auth',
      limit: config.WRITE_RATE_LIMIT,
      windowSeconds: config.WRITE_RATE_WINDOW_SECONDS,
      logger,
    }),
    healthChecks: { database: () => pool.query('SELECT 1') },
    routes,
  });
}
