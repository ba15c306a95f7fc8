import { ConfigError } from '@microtick/common';
import { readConfig } from './config';

const base = {
  DATABASE_URL: 'postgres://localhost/payments',
  NATS_URL: 'nats://localhost:4222',
  AUTH_JWKS_URL: 'http://auth:4001/api/users/.well-known/jwks.json',
  REDIS_URL: 'redis://localhost:6379',
};

const productionWithKeys = {
  ...base,
  NODE_ENV: 'production',
  STRIPE_SECRET_KEY: 'sk_live_x',
  STRIPE_PUBLISHABLE_KEY: 'pk_live_x',
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
    expect(() => readConfig(productionWithKeys)).toThrow(/STRIPE_WEBHOOK_SECRET/);
  });

  describe('Stripe key pairing (the client shows the card form iff it has the publishable key)', () => {
    const production = {
      ...base,
      NODE_ENV: 'production',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      APP_URL: 'https://tickets.example.com',
    };

    it('starts in production with a secret and a publishable key of the same mode', () => {
      expect(
        readConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_PUBLISHABLE_KEY: 'pk_live_x' })
          .STRIPE_PUBLISHABLE_KEY,
      ).toBe('pk_live_x');
      expect(() =>
        readConfig({ ...production, STRIPE_SECRET_KEY: 'rk_test_x', STRIPE_PUBLISHABLE_KEY: 'pk_test_x' }),
      ).not.toThrow();
    });

    it('refuses to start in production with a secret key but no publishable key', () => {
      expect(() => readConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x' })).toThrow(ConfigError);
      expect(() => readConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_PUBLISHABLE_KEY: '' })).toThrow(
        /STRIPE_PUBLISHABLE_KEY is missing/,
      );
    });

    it('refuses to start with a publishable key but no secret key, in production and outside it', () => {
      expect(() => readConfig({ ...production, STRIPE_PUBLISHABLE_KEY: 'pk_live_x' })).toThrow(
        /STRIPE_PUBLISHABLE_KEY is set without STRIPE_SECRET_KEY/,
      );
      expect(() => readConfig({ ...base, STRIPE_PUBLISHABLE_KEY: 'pk_test_x' })).toThrow(
        /STRIPE_PUBLISHABLE_KEY is set without STRIPE_SECRET_KEY/,
      );
    });

    it('refuses keys of different modes (test secret with live publishable, and the reverse)', () => {
      expect(() =>
        readConfig({ ...production, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_PUBLISHABLE_KEY: 'pk_live_x' }),
      ).toThrow(/test-mode key but STRIPE_PUBLISHABLE_KEY is a live-mode key/);
      expect(() =>
        readConfig({ ...base, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_PUBLISHABLE_KEY: 'pk_test_x' }),
      ).toThrow(/live-mode key but STRIPE_PUBLISHABLE_KEY is a test-mode key/);
    });

    it('refuses a publishable key that is not one', () => {
      expect(() =>
        readConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_PUBLISHABLE_KEY: 'sk_live_x' }),
      ).toThrow(/STRIPE_PUBLISHABLE_KEY/);
    });

    it('still runs tests and development with a secret key alone (a fake Stripe server, no client)', () => {
      expect(readConfig({ ...base, STRIPE_SECRET_KEY: 'sk_test_fake' }).STRIPE_SECRET_KEY).toBe('sk_test_fake');
    });
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

  describe('payouts', () => {
    it('defaults the platform fee to 1000 bps and APP_URL to the local client outside production', () => {
      expect(readConfig(base)).toMatchObject({ PLATFORM_FEE_BPS: 1000, APP_URL: 'http://localhost:3000' });
      expect(readConfig({ ...base, PLATFORM_FEE_BPS: '250' }).PLATFORM_FEE_BPS).toBe(250);
    });

    it.each(['-1', '10001', '2.5', 'ten'])('refuses PLATFORM_FEE_BPS=%s', (bps) => {
      expect(() => readConfig({ ...base, PLATFORM_FEE_BPS: bps })).toThrow(/PLATFORM_FEE_BPS/);
    });

    it('refuses to start in production without APP_URL, naming it', () => {
      expect(() => readConfig({ ...productionWithKeys, STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toThrow(
        /APP_URL is missing/,
      );
    });
  });
});
