import type { Bus } from './bus/bus';
import type { Logger } from './logger';
import { connectRateLimitStore, userWriteLimit } from './http/rate-limit';
import { followSessions } from './http/revoked-sessions';
import type { ShutdownStep } from './shutdown';

export interface UserFacingConfig {
  AUTH_JWKS_URL: string;
  SESSION_TTL_SECONDS: number;
  REDIS_URL: string;
  WRITE_RATE_LIMIT: number;
  WRITE_RATE_WINDOW_SECONDS: number;
}

/**
 * What a service with user routes (other than auth) needs before it answers: sessions checked against
 * auth's keys and the revocations on the bus (replayed first), and the per-user write limit in Redis.
 */
export async function startUserFacing(
  name: string,
  bus: Pick<Bus, 'follow'>,
  config: UserFacingConfig,
  logger: Logger,
) {
  const sessions = await followSessions({
    bus,
    jwksUrl: config.AUTH_JWKS_URL,
    maxAgeSeconds: config.SESSION_TTL_SECONDS,
    logger,
  });
  const redis = connectRateLimitStore(config.REDIS_URL, logger);
  const writeLimit = userWriteLimit({
    redis,
    service: name,
    limit: config.WRITE_RATE_LIMIT,
    windowSeconds: config.WRITE_RATE_WINDOW_SECONDS,
    logger,
  });
  const shutdown: ShutdownStep[] = [['rate-limit store', () => redis.quit()]];
  return { sessions, writeLimit, shutdown };
}
