/** Service base URLs for server-side rendering (never sent to the browser). */
export type Service = 'auth' | 'tickets' | 'orders' | 'payments';

const defaults: Record<Service, { env: string; url: string }> = {
  auth: { env: 'AUTH_URL', url: 'http://127.0.0.1:4001' },
  tickets: { env: 'TICKETS_URL', url: 'http://127.0.0.1:4002' },
  orders: { env: 'ORDERS_URL', url: 'http://127.0.0.1:4003' },
  payments: { env: 'PAYMENTS_URL', url: 'http://127.0.0.1:4005' },
};

export function serviceUrl(service: Service): string {
  const { env, url } = defaults[service];
  return (process.env[env] || url).replace(/\/+$/, '');
}

/**
 * Stripe publishable key. STRIPE_PUBLISHABLE_KEY is read at request time (one image, any key);
 * NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY is also honoured (inlined at build time).
 */
export function stripePublishableKey(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.STRIPE_PUBLISHABLE_KEY || env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY || null;
}

/**
 * The order page shows Stripe's card form iff there is a publishable key, and the sandbox form
 * otherwise, so the client must agree with payments about which one runs: a real STRIPE_SECRET_KEY
 * in payments with no key here makes every payment fail. In production the client therefore needs
 * STRIPE_PUBLISHABLE_KEY (from the same Secret as payments' keys) unless PAYMENTS_SANDBOX=true says
 * payments runs its sandbox gateway (make up, a local cluster). Returns what is wrong; empty if fine.
 */
export function paymentConfigProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  const key = stripePublishableKey(env);
  const sandboxFlag = env.PAYMENTS_SANDBOX ?? '';
  if (!['', 'true', 'false'].includes(sandboxFlag)) return [`PAYMENTS_SANDBOX must be "true" or "false"`];
  const sandbox = sandboxFlag === 'true';
  if (key && !/^pk_(test|live)_/.test(key))
    return ['STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_... or pk_live_...)'];
  if (key && sandbox)
    return [
      'STRIPE_PUBLISHABLE_KEY is set but PAYMENTS_SANDBOX=true: the sandbox gateway cannot take Stripe card payments',
    ];
  if (!key && !sandbox && env.NODE_ENV === 'production')
    return [
      'STRIPE_PUBLISHABLE_KEY is missing: set it (payments uses real Stripe) or set PAYMENTS_SANDBOX=true (payments runs its sandbox gateway)',
    ];
  return [];
}
