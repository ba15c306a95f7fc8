import { configFragments as f, loadConfig, userFacingConfig } from '@microtick/common';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      NODE_ENV: f.nodeEnv,
      PORT: f.port.default(4003),
      DATABASE_URL: f.databaseUrl,
      DATABASE_POOL_SIZE: f.positiveInt.default(20),
      NATS_URL: f.natsUrl,
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      ORDER_EXPIRATION_SECONDS: f.positiveInt.default(900),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type OrdersConfig = ReturnType<typeof readConfig>;
