import type { Request, RequestHandler } from 'express';
import { rateLimit, type IncrementResponse } from 'express-rate-limit';
import { Redis } from 'ioredis';
import { RedisStore } from 'rate-limit-redis';
import type { Logger } from '../logger';
import { TooManyRequestsError } from './errors';

/**
 * A Redis connection for rate-limit counters. While Redis is away a command gives up after a second,
 * so a request is held up at most that long by the limiter, and then passes (see sharedRateLimit).
 */
export type RateLimitStore = Redis;

export function connectRateLimitStore(from: string | Redis, logger: Logger): RateLimitStore {
  // Auto-pipelining: while one write to Redis is in flight, the counters of the requests arriving
  // meanwhile wait and go together in the next. One socket write per request was about a tenth of the
  // payments service's busy time under load (a CPU profile, docs/performance.md).
  const options = { maxRetriesPerRequest: 1, commandTimeout: 1_000, enableAutoPipelining: true };
  // From runService's connection: a duplicate with these fail-fast options, closed by the caller.
  const redis = typeof from === 'string' ? new Redis(from, options) : from.duplicate(options);
  let down = false;
  redis.on('error', (err) => {
    if (!down) logger.warn({ err }, 'rate-limit store unreachable: writes pass unlimited until it is back');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('rate-limit store reachable again');
    down = false;
  });
  return redis;
}

/**
 * rate-limit-redis loads its Lua script once, when the limiter is built: if Redis was down then, every
 * later increment would fail for the life of the process. Loading it again after a failure lets the
 * limiter recover when Redis does.
 */
class RecoveringRedisStore extends RedisStore {
  override async increment(key: string): Promise<IncrementResponse> {
    try {
      return await super.increment(key);
    } catch (err) {
      this.incrementScriptSha = this.loadIncrementScript();
      this.incrementScriptSha.catch(() => undefined);
      throw err;
    }
  }
}

export interface SharedRateLimitOptions {
  redis: Redis;
  /** Names the counters in Redis: one prefix per limit. */
  prefix: string;
  limit: number;
  windowSeconds: number;
  logger: Logger;
  keyGenerator?: (req: Request) => string;
  skip?: (req: Request) => boolean;
  skipSuccessfulRequests?: boolean;
  message?: string;
}

/**
 * A limit counted in Redis, so every replica shares one budget. Over it: 429 in the error shape with
 * Retry-After. draft-7 headers: draft-8 adds `pk`, a hash of the key, which tells a client whether a
 * spoofed address changed its bucket. If Redis cannot be reached the request passes (and is logged):
 * limits are abuse protection, and an outage of the counters must not take the marketplace down.
 */
export function sharedRateLimit(options: SharedRateLimitOptions): RequestHandler {
  const { redis, logger } = options;
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new RecoveringRedisStore({
      prefix: options.prefix,
      sendCommand: (command: string, ...args: string[]) => redis.call(command, ...args) as Promise<never>,
    }),
    passOnStoreError: true,
    logger: {
      warn: (...args: unknown[]) => logger.warn({ detail: args }, 'rate limiter warning'),
      error: (err: unknown, message?: unknown) => logger.warn({ err }, String(message ?? 'rate limiter error')),
    },
    keyGenerator: options.keyGenerator,
    skip: options.skip,
    skipSuccessfulRequests: options.skipSuccessfulRequests,
    handler: (_req, _res, next) => next(new TooManyRequestsError(options.message)),
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface UserWriteLimitOptions {
  redis: Redis;
  /** The service's name: each service counts its own writes. */
  service: string;
  limit: number;
  windowSeconds: number;
  logger: Logger;
}

/** Writes (POST, PUT, PATCH, DELETE) of a signed-in user, counted per user across replicas. */
export function userWriteLimit({
  redis,
  service,
  limit,
  windowSeconds,
  logger,
}: UserWriteLimitOptions): RequestHandler {
  const limiter = sharedRateLimit({
    redis,
    prefix: `rl:${service}:writes:`,
    limit,
    windowSeconds,
    logger,
    keyGenerator: (req) => req.currentUser!.id,
    message: 'Too many changes in a short time, try again later',
  });
  // Reads and anonymous requests pass before the limiter: its own `skip` is awaited along with several
  // other steps (and evaluates req.ip for a debug line) on every request, reads included.
  return (req, res, next) => {
    if (!req.currentUser || SAFE_METHODS.has(req.method)) return next();
    return limiter(req, res, next);
  };
}
