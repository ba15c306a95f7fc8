import { configFragments as f, loadConfig } from '@microtick/common';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: f.nodeEnv,
      PORT: f.port.default(4001),
      DATABASE_URL: f.databaseUrl,
      DATABASE_POOL_SIZE: f.positiveInt.default(20),
      JWT_KEY: f.jwtKey,
      SESSION_TTL_SECONDS: f.positiveInt.default(24 * 3600),
      COOKIE_SECURE: f.booleanFromString.optional(),
      AUTH_RATE_LIMIT: f.positiveInt.default(20),
      AUTH_RATE_WINDOW_SECONDS: f.positiveInt.default(15 * 60),
      AUTH_ACCOUNT_FAILURE_LIMIT: f.positiveInt.default(50),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
  return {
    ...raw,
    // Secure cookies unless told otherwise; local HTTP development opts out.
    COOKIE_SECURE: raw.COOKIE_SECURE ?? raw.NODE_ENV === 'production',
  };
}

export type AuthConfig = ReturnType<typeof readConfig>;
