import type { Redis } from 'ioredis';
import type { Bus } from './bus/bus';
import type { Logger } from './logger';
import { connectRateLimitStore, userWriteLimit } from './http/rate-limit';
import { followSessions } from './http/revoked-sessions';
import { closeRedis } from './run-service';
import type { ShutdownStep } from './shutdown';

export interface UserFacingConfig {
  AUTH_JWKS_URL: string;
  SESSION_TTL_SECONDS: number;
  WRITE_RATE_LIMIT: number;
  WRITE_RATE_WINDOW_SECONDS: number;
}

/**
 * What a service with user routes (other than auth) needs before it answers: sessions checked against
 * auth's keys and the revocations on the bus (replayed first), and the per-user write limit in Redis.
 * Called from runService's start hook with its bus and Redis; the limiter gets a fail-fast duplicate
 * of that Redis connection, which the returned shutdown step closes.
 */
export async function startUserFacing(
  name: string,
  { bus, redis: shared }: { bus: Pick<Bus, 'follow'>; redis: Redis },
  config: UserFacingConfig,
  logger: Logger,
) {
  const sessions = await followSessions({
    bus,
    jwksUrl: config.AUTH_JWKS_URL,
    maxAgeSeconds: config.SESSION_TTL_SECONDS,
    logger,
  });
  const redis = connectRateLimitStore(shared, logger);
  const writeLimit = userWriteLimit({
    redis,
    service: name,
    limit: config.WRITE_RATE_LIMIT,
    windowSeconds: config.WRITE_RATE_WINDOW_SECONDS,
    logger,
  });
  const shutdown: ShutdownStep[] = [['rate-limit store', () => closeRedis(redis)]];
  return { sessions, writeLimit, shutdown };
}
