import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const booleanFromString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Fragments every service composes into its own schema. */
export const configFragments = {
  nodeEnv: z.enum(['development', 'test', 'production']).default('development'),
  port: z.coerce.number().int().min(1).max(65535),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  natsUrl: z.string().min(1),
  redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
  /** Local processes listen on loopback only; a container sets 0.0.0.0. */
  host: z.string().min(1).default('127.0.0.1'),
  jwksUrl: z.string().regex(/^https?:\/\//, 'must be an http(s):// URL'),
  sessionTtlSeconds: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 3600),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  booleanFromString,
  positiveInt: z.coerce.number().int().positive(),
  /** NATS_STREAM_REPLICAS: JetStream allows 1 to 5; a cluster of n nodes takes at most n. */
  natsStreamReplicas: z.coerce.number().int().min(1).max(5).default(1),
};

/**
 * Where a service finds the bus: NATS, the stream's copies, and the stream and subject prefix (unset but
 * in tests that run a service's process in a namespace of its own; the defaults are production's).
 */
const natsConfig = {
  NATS_URL: configFragments.natsUrl,
  NATS_STREAM_REPLICAS: configFragments.natsStreamReplicas,
  NATS_STREAM: z.string().min(1).optional(),
  NATS_SUBJECT_PREFIX: z.string().min(1).optional(),
};

/** What every service on the bus without a database reads: its environment and port (the roster's), and NATS. */
export const busConfig = (port: number) => ({
  NODE_ENV: configFragments.nodeEnv,
  PORT: configFragments.port.default(port),
  ...natsConfig,
});

/**
 * What every service with a database and the bus reads: its environment and port (the roster's), its
 * PostgreSQL and pool size, and NATS.
 */
export const storeAndBusConfig = (port: number) => ({
  NODE_ENV: configFragments.nodeEnv,
  PORT: configFragments.port.default(port),
  DATABASE_URL: configFragments.databaseUrl,
  DATABASE_POOL_SIZE: configFragments.positiveInt.default(20),
  ...natsConfig,
});

/**
 * What every service with user routes reads besides its own settings: where it listens, how it checks
 * sessions (auth's public keys, the token age auth signs for) and its per-user write limit.
 */
export const userFacingConfig = {
  HOST: configFragments.host,
  SESSION_TTL_SECONDS: configFragments.sessionTtlSeconds,
  REDIS_URL: configFragments.redisUrl,
  WRITE_RATE_LIMIT: configFragments.positiveInt.default(120),
  WRITE_RATE_WINDOW_SECONDS: configFragments.positiveInt.default(60),
};

/**
 * Reads the environment once against a schema keyed by variable name. Throws one ConfigError naming
 * every missing or invalid variable, so a misconfigured service fails fast with a clear message.
 */
export function loadConfig<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    values[key] = raw === '' ? undefined : raw;
  }
  const result = z.object(shape).safeParse(values);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.');
        return values[name] === undefined ? `${name} is missing` : `${name} ${issue.message}`;
      }),
    );
  }
  return result.data;
}
