import { configFragments as f, loadConfig, storeAndBusConfig, userFacingConfig } from '@microtick/common';
import { z } from 'zod';

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      ...storeAndBusConfig(4003),
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      ORDER_EXPIRATION_SECONDS: f.positiveInt.default(900),
      MAX_OPEN_ORDERS_PER_BUYER: f.positiveInt.default(5),
      /** How long a buyer who cancelled an order (or let it expire) waits to order that ticket again. */
      ORDER_REORDER_COOLDOWN_SECONDS: z.coerce.number().int().nonnegative().default(60),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
}

export type OrdersConfig = ReturnType<typeof readConfig>;
