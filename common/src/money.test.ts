import { fromCents, toCents } from './money';

describe('money', () => {
  it.each([
    [0.01, 1],
    [0.1, 10],
    [0.29, 29],
    [1.15, 115],
    [19.99, 1999],
    [1_000_000, 100_000_000],
  ])('%d on the API is %d cents inside, and back', (decimal, cents) => {
    expect(toCents(decimal)).toBe(cents);
    expect(fromCents(cents)).toBe(decimal);
  });
});
