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
export function stripePublishableKey(): string | null {
  return process.env.STRIPE_PUBLISHABLE_KEY || process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY || null;
}
