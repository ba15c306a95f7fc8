import { configFragments as f, loadConfig, storeAndBusConfig, userFacingConfig } from '@microtick/common';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...storeAndBusConfig(4002),
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type TicketsConfig = ReturnType<typeof readConfig>;
