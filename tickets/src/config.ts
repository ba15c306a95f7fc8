import { configFragments as f, loadConfig, userFacingConfig } from '@microtick/common';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      NODE_ENV: f.nodeEnv,
      PORT: f.port.default(4002),
      DATABASE_URL: f.databaseUrl,
      DATABASE_POOL_SIZE: f.positiveInt.default(20),
      NATS_URL: f.natsUrl,
      NATS_STREAM_REPLICAS: f.natsStreamReplicas,
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type TicketsConfig = ReturnType<typeof readConfig>;
