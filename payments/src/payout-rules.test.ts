import { earningWaitReason, payoutAccountStatus, payoutRetryDelayMs, splitSale } from './rules';

describe('splitSale', () => {
  it.each([
    // price, bps, share, fee
    [10_000, 1000, 9_000, 1_000],
    [1_999, 1000, 1_800, 199], // 199.9 rounds down to 199
    [1, 1000, 1, 0],
    [9, 1000, 9, 0],
    [10, 1000, 9, 1],
    [12_345, 1000, 11_111, 1_234],
    [12_345, 250, 12_037, 308], // 308.625
    [5_000, 0, 5_000, 0],
    [5_000, 10_000, 0, 5_000],
    [99_999_99, 1000, 90_000_00, 9_999_99], // the largest price the API takes, 99,999.99
    [333, 3333, 223, 110], // 110.9889
  ])('splits %i cents at %i bps into share %i and fee %i', (price, bps, share, fee) => {
    expect(splitSale(price, bps)).toEqual({ shareCents: share, feeCents: fee });
  });

  it('always adds up to the price, the fee never rounded up', () => {
    for (const bps of [0, 1, 999, 1000, 1234, 9999, 10_000]) {
      for (let price = 0; price < 3000; price += 7) {
        const { shareCents, feeCents } = splitSale(price, bps);
        expect(shareCents + feeCents).toBe(price);
        expect(feeCents).toBeLessThanOrEqual((price * bps) / 10_000);
        expect(feeCents + 1).toBeGreaterThan((price * bps) / 10_000);
      }
    }
  });

  it.each([
    [1.5, 1000],
    [-1, 1000],
    [100, -1],
    [100, 10_001],
    [100, 2.5],
  ])('refuses price %p at %p bps', (price, bps) => {
    expect(() => splitSale(price, bps)).toThrow(RangeError);
  });
});

describe('payoutAccountStatus', () => {
  it.each([
    ['active', 'active'],
    ['pending', 'pending'],
    ['inactive', 'pending'],
    [undefined, 'pending'],
    [null, 'pending'],
  ])('transfers capability %p is %p', (capability, status) => {
    expect(payoutAccountStatus({ transfersCapability: capability })).toBe(status);
  });
});

describe('earningWaitReason', () => {
  const payable = { sellerKnown: true, paymentStanding: true, account: 'active' as const };
  it('is null when the seller can be paid now', () => {
    expect(earningWaitReason(payable)).toBeNull();
  });
  it.each([
    [{ ...payable, sellerKnown: false }, /seller unknown/],
    [{ ...payable, paymentStanding: false }, /no payment/],
    [{ ...payable, account: 'none' as const }, /not set up a payout account/],
    [{ ...payable, account: 'pending' as const }, /not finished payout account onboarding/],
  ])('gives a reason for %p', (earning, reason) => {
    expect(earningWaitReason(earning)).toMatch(reason);
  });
});

describe('payoutRetryDelayMs', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [5, 16_000],
    [9, 256_000],
    [10, 300_000],
    [50, 300_000],
  ])('after %i attempts waits %i ms', (attempts, ms) => {
    expect(payoutRetryDelayMs(attempts)).toBe(ms);
  });
});
