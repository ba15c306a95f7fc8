import { paymentConfigProblems, stripePublishableKey } from './config';

describe('client payment config', () => {
  const production = { NODE_ENV: 'production' } as NodeJS.ProcessEnv;

  it('starts in production with a publishable key (payments uses real Stripe)', () => {
    expect(paymentConfigProblems({ ...production, STRIPE_PUBLISHABLE_KEY: 'pk_live_x' })).toEqual([]);
    expect(stripePublishableKey({ ...production, STRIPE_PUBLISHABLE_KEY: 'pk_live_x' })).toBe('pk_live_x');
  });

  it('starts in production without a key only when PAYMENTS_SANDBOX=true says payments runs the sandbox', () => {
    expect(paymentConfigProblems({ ...production, PAYMENTS_SANDBOX: 'true' })).toEqual([]);
  });

  it('refuses to start in production with neither a publishable key nor the sandbox flag, naming both', () => {
    for (const env of [
      production,
      { ...production, PAYMENTS_SANDBOX: 'false' },
      { ...production, STRIPE_PUBLISHABLE_KEY: '' },
    ]) {
      const problems = paymentConfigProblems(env);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/STRIPE_PUBLISHABLE_KEY is missing.*PAYMENTS_SANDBOX=true/);
    }
  });

  it('refuses a publishable key beside the sandbox flag, in production and outside it', () => {
    for (const NODE_ENV of ['production', 'development'] as const)
      expect(
        paymentConfigProblems({ NODE_ENV, STRIPE_PUBLISHABLE_KEY: 'pk_test_x', PAYMENTS_SANDBOX: 'true' }),
      ).toEqual([expect.stringMatching(/PAYMENTS_SANDBOX=true/)]);
  });

  it('refuses a value that is not a publishable key, and a sandbox flag that is not a boolean', () => {
    expect(paymentConfigProblems({ ...production, STRIPE_PUBLISHABLE_KEY: 'sk_live_x' })).toEqual([
      expect.stringMatching(/must be a Stripe publishable key/),
    ]);
    expect(paymentConfigProblems({ ...production, PAYMENTS_SANDBOX: 'yes' })).toEqual([
      expect.stringMatching(/PAYMENTS_SANDBOX must be/),
    ]);
  });

  it('outside production, no key means the sandbox form (next dev)', () => {
    expect(paymentConfigProblems({ NODE_ENV: 'development' } as NodeJS.ProcessEnv)).toEqual([]);
    expect(stripePublishableKey({} as NodeJS.ProcessEnv)).toBeNull();
  });
});
