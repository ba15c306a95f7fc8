import { parseErrors, retryAfterSeconds, tooManyAttemptsMessage } from './errors';

describe('a 429 says how long to wait', () => {
  const limited = { errors: [{ message: 'Too many requests, try again later' }] };

  it.each([
    ['900', 'Too many attempts. Try again in 15 minutes.'],
    ['61', 'Too many attempts. Try again in 2 minutes.'],
    ['60', 'Too many attempts. Try again in 1 minute.'],
    ['59', 'Too many attempts. Try again in 59 seconds.'],
    ['1', 'Too many attempts. Try again in 1 second.'],
    ['0', 'Too many attempts. Try again in 1 second.'],
  ])('Retry-After %s reads "%s"', (retryAfter, message) => {
    expect(parseErrors(limited, 429, retryAfter)).toEqual([{ message }]);
  });

  it('keeps the service’s words, or the generic one, when there is no Retry-After it can read', () => {
    expect(parseErrors(limited, 429, null)).toEqual(limited.errors);
    expect(parseErrors(limited, 429, 'soon')).toEqual(limited.errors);
    expect(parseErrors(null, 429)).toEqual([{ message: 'Too many attempts. Please wait a moment and try again.' }]);
  });

  it('reads Retry-After only on a 429', () => {
    const invalid = { errors: [{ message: 'Invalid credentials' }] };
    expect(parseErrors(invalid, 400, '900')).toEqual(invalid.errors);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-03T20:00:00Z');
    expect(retryAfterSeconds(' 120 ', now)).toBe(120);
    expect(retryAfterSeconds('Thu, 03 Dec 2026 20:04:30 GMT', now)).toBe(270);
    expect(retryAfterSeconds('Thu, 03 Dec 2026 19:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('-5', now)).toBeNull();
    expect(retryAfterSeconds('', now)).toBeNull();
    expect(retryAfterSeconds(undefined, now)).toBeNull();
  });

  it('rounds a wait of a minute or more up to whole minutes', () => {
    expect(tooManyAttemptsMessage(3599)).toBe('Too many attempts. Try again in 60 minutes.');
    expect(tooManyAttemptsMessage(90)).toBe('Too many attempts. Try again in 2 minutes.');
  });
});
