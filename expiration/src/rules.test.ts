import { EARLY_MS, jobDelay, waitBeforePublishing } from './rules';

const now = Date.parse('2026-12-02T10:00:00.000Z');
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();

describe('expiration rules', () => {
  it.each([
    ['15 minutes ahead', at(900_000), 900_000 - EARLY_MS],
    ['less than the lead ahead', at(EARLY_MS / 2), 0],
    ['exactly now', at(0), 0],
    ['already past', at(-5_000), 0],
  ])('a job for an order expiring %s falls due at %d ms', (_case, expiresAt, expected) => {
    expect(jobDelay(expiresAt, now)).toBe(expected);
  });

  it.each([
    ['ahead', at(700), 700],
    ['exactly now', at(0), 0],
    ['already past', at(-5_000), 0],
    ['unknown (a job queued before expiresAt was stored)', undefined, 0],
  ])('the worker waits until expiresAt when it is %s', (_case, expiresAt, expected) => {
    expect(waitBeforePublishing(expiresAt, now)).toBe(expected);
  });
});
