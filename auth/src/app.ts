import {
  createMailer,
  createServiceApp,
  loadSigningKeys,
  localKeys,
  sessionVerifier,
  sharedRateLimit,
  userWriteLimit,
  type Logger,
  type Mailer,
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
import { passwordResetRouter } from './http/password-reset';
import { signinRouter } from './http/signin';
import { signoutRouter } from './http/signout';
import { signupRouter } from './http/signup';

export interface AuthDeps {
  pool: Pool;
  config: AuthConfig;
  logger: Logger;
  /** The shared store of the rate limits (every replica counts in it). */
  redis: RateLimitStore;
  /** Sends the password reset emails; by default one built from SMTP_URL (close it on shutdown). */
  mailer?: Mailer;
}

export function buildApp({ pool, config, logger, redis, mailer }: AuthDeps) {
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
  // Reset links one email address is sent, counted whether or not it has an account: PASSWORD_RESET_EMAIL_LIMIT
  // an hour per client address asking, so that a stranger asking for someone's address spends only their own
  // budget and the owner can still get a link, and four times that from all clients together, which bounds
  // how much mail anyone can make auth send one person.
  const resetsPerEmail = (scope: 'asker' | 'all') =>
    sharedRateLimit({
      redis,
      prefix: `rl:auth:reset-email:${scope}:`,
      limit: config.PASSWORD_RESET_EMAIL_LIMIT * (scope === 'all' ? 4 : 1),
      windowSeconds: 3600,
      keyGenerator: (req) => lockoutAccount(req.body?.email) + (scope === 'asker' ? ` ${req.ip}` : ''),
      skip: (req) => lockoutAccount(req.body?.email) === '',
      logger,
      message: 'Too many reset emails for this address, try again later',
    });
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
    .use(
      passwordResetRouter({
        pool,
        mailer: mailer ?? createMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, logger }),
        appUrl: config.APP_URL,
        logger,
        requestLimits: [addressLimit('password-reset'), resetsPerEmail('asker'), resetsPerEmail('all')],
        confirmLimits: [addressLimit('password-reset-confirm')],
      }),
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
