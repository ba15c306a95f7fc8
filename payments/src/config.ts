import { ConfigError, configFragments as f, loadConfig, userFacingConfig } from '@microtick/common';
import { z } from 'zod';

export interface StripeApiBase {
  host: string;
  port: number;
  protocol: 'http' | 'https';
}

function parseApiBase(value: string): StripeApiBase {
  const url = new URL(value);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(
    {
      NODE_ENV: f.nodeEnv,
      PORT: f.port.default(4005),
      DATABASE_URL: f.databaseUrl,
      DATABASE_POOL_SIZE: f.positiveInt.default(20),
      NATS_URL: f.natsUrl,
      NATS_STREAM: z.string().min(1).optional(),
      NATS_SUBJECT_PREFIX: z.string().min(1).optional(),
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      STRIPE_SECRET_KEY: z
        .string()
        .regex(/^(sk|rk)_/, 'must be a Stripe secret key (sk_...)')
        .optional(),
      STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
      /** A Stripe-compatible server (tests, stripe-mock); Stripe itself when unset. */
      STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
  if (raw.NODE_ENV === 'production') {
    const problems = [
      ...(raw.STRIPE_SECRET_KEY
        ? []
        : ['STRIPE_SECRET_KEY is missing: production never uses the sandbox payment gateway']),
      ...(raw.STRIPE_WEBHOOK_SECRET
        ? []
        : ['STRIPE_WEBHOOK_SECRET is missing: production must verify Stripe webhooks']),
    ];
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return { ...raw, STRIPE_API_BASE: raw.STRIPE_API_BASE ? parseApiBase(raw.STRIPE_API_BASE) : undefined };
}

export type PaymentsConfig = ReturnType<typeof readConfig>;
