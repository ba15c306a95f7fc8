import { parsePrice } from './price';

describe('parsePrice', () => {
  it.each([
    ['12.5', 12.5],
    ['$25', 25],
    ['1,234.50', 1234.5],
    ['$1,000,000', 1_000_000],
    [' 0.99 ', 0.99],
    ['-3', -3],
  ])('reads %p as %p', (raw, expected) => {
    expect(parsePrice(raw)).toBe(expected);
  });

  it.each(['', 'abc', '1,23.50', '12,34', '1.2.3', '12 34'])('refuses %p with a field error on price', (raw) => {
    expect(parsePrice(raw)).toEqual({ field: 'price', message: expect.any(String) });
  });
});
