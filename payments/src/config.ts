import {
  ConfigError,
  configFragments as f,
  loadConfig,
  mailConfig,
  storeAndBusConfig,
  userFacingConfig,
} from '@microtick/common';
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

/**
 * The client shows Stripe's card form iff it has a publishable key, so the two keys must agree with
 * each other: a publishable key beside the sandbox gateway, or keys of different modes (sk_test_ with
 * pk_live_), fail every payment.
 */
function stripeKeyPairingProblems(keys: { STRIPE_SECRET_KEY?: string; STRIPE_PUBLISHABLE_KEY?: string }): string[] {
  if (keys.STRIPE_PUBLISHABLE_KEY && !keys.STRIPE_SECRET_KEY)
    return ['STRIPE_PUBLISHABLE_KEY is set without STRIPE_SECRET_KEY: set both (real Stripe) or neither (sandbox)'];
  const secretMode = /^(?:sk|rk)_(test|live)_/.exec(keys.STRIPE_SECRET_KEY ?? '')?.[1];
  const publishableMode = /^pk_(test|live)_/.exec(keys.STRIPE_PUBLISHABLE_KEY ?? '')?.[1];
  if (secretMode && publishableMode && secretMode !== publishableMode)
    return [
      `STRIPE_SECRET_KEY is a ${secretMode}-mode key but STRIPE_PUBLISHABLE_KEY is a ${publishableMode}-mode key: use both from the same mode`,
    ];
  return [];
}

export function readConfig(env: NodeJS.ProcessEnv = process.env) {
  const raw = loadConfig(
    {
      ...storeAndBusConfig(4005),
      AUTH_JWKS_URL: f.jwksUrl,
      ...userFacingConfig,
      STRIPE_SECRET_KEY: z
        .string()
        .regex(/^(sk|rk)_/, 'must be a Stripe secret key (sk_...)')
        .optional(),
      STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
      /** The signing secret of the Connect webhook endpoint (account.updated), when it is a separate one. */
      STRIPE_CONNECT_WEBHOOK_SECRET: z.string().min(1).optional(),
      /** The platform's fee on each sale in basis points (1000 = 10%), rounded down to the cent. */
      PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(1000),
      /** The public origin of the web client: Connect onboarding returns to its "Get paid" page. */
      APP_URL: mailConfig.APP_URL.default('http://localhost:3000'),
      /** Not used here: read so payments refuses to run beside a client that shows the wrong card form. */
      STRIPE_PUBLISHABLE_KEY: z
        .string()
        .regex(/^pk_(test|live)_/, 'must be a Stripe publishable key (pk_test_... or pk_live_...)')
        .optional(),
      /** A Stripe-compatible server (tests, stripe-mock); Stripe itself when unset. */
      STRIPE_API_BASE: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
      LOG_LEVEL: f.logLevel,
    },
    env,
  );
  const problems = stripeKeyPairingProblems(raw);
  if (raw.NODE_ENV === 'production') {
    problems.push(
      ...(raw.STRIPE_SECRET_KEY
        ? []
        : ['STRIPE_SECRET_KEY is missing: production never uses the sandbox payment gateway']),
      ...(raw.STRIPE_WEBHOOK_SECRET
        ? []
        : ['STRIPE_WEBHOOK_SECRET is missing: production must verify Stripe webhooks']),
      ...(env.APP_URL ? [] : ['APP_URL is missing: Connect onboarding must return to the public site']),
      ...(raw.STRIPE_SECRET_KEY && !raw.STRIPE_PUBLISHABLE_KEY
        ? [
            'STRIPE_PUBLISHABLE_KEY is missing: without it the client shows the sandbox card form while payments charges real Stripe',
          ]
        : []),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...raw, STRIPE_API_BASE: raw.STRIPE_API_BASE ? parseApiBase(raw.STRIPE_API_BASE) : undefined };
}

export type PaymentsConfig = ReturnType<typeof readConfig>;
