import { formatInZone } from './local-time';

describe('formatInZone', () => {
  it('names the zone it formats in', () => {
    expect(formatInZone('2026-12-02T04:05:00Z', 'UTC')).toBe('Dec 2, 2026, 4:05 AM UTC');
    expect(formatInZone('2026-12-02T04:05:00Z', 'Asia/Kolkata')).toBe('Dec 2, 2026, 9:35 AM GMT+5:30');
  });

  it('leaves a value that is not a date as it is', () => {
    expect(formatInZone('soon', 'UTC')).toBe('soon');
  });
});
