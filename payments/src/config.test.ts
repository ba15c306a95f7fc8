import { ConfigError } from '@microtick/common';
import { readConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://localhost/payments',
  NATS_URL: 'nats://localhost:4222',
  AUTH_JWKS_URL: 'http://auth:4001/api/users/.well-known/jwks.json',
  REDIS_URL: 'redis://localhost:6379',
};

describe('payments config', () => {
  it('defaults PORT to 4005 and leaves Stripe unset (the sandbox) outside production', () => {
    const config = readConfig(base);
    expect(config.PORT).toBe(4005);
    expect(config.STRIPE_SECRET_KEY).toBeUndefined();
  });

  it('refuses to start in production without STRIPE_SECRET_KEY, naming it', () => {
    expect(() => readConfig({ ...base, NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
      ConfigError,
    );
    expect(() => readConfig({ ...base, NODE_ENV: 'production', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
      /STRIPE_SECRET_KEY/,
    );
  });

  it('refuses to start in production without STRIPE_WEBHOOK_SECRET, naming it', () => {
    expect(() => readConfig({ ...base, NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_x' })).toThrow(
      /STRIPE_WEBHOOK_SECRET/,
    );
  });

  it('parses STRIPE_API_BASE into the host, port and protocol the Stripe SDK takes', () => {
    expect(readConfig({ ...base, STRIPE_API_BASE: 'http://127.0.0.1:12111' }).STRIPE_API_BASE).toEqual({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
    });
    expect(readConfig({ ...base, STRIPE_API_BASE: 'https://stripe.example' }).STRIPE_API_BASE).toEqual({
      host: 'stripe.example',
      port: 443,
      protocol: 'https',
    });
    expect(() => readConfig({ ...base, STRIPE_API_BASE: 'ftp://x' })).toThrow(/STRIPE_API_BASE/);
  });
});
