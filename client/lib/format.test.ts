import { ticketDisplayStatus } from './format';

describe('ticketDisplayStatus', () => {
  const now = Date.parse('2026-12-03T20:00:00Z');

  it.each([
    ['available', '2026-12-03T19:59:59Z', 'started'],
    ['available', '2026-12-03T20:00:00Z', 'started'],
    ['available', '2026-12-03T21:00:00+01:00', 'started'],
    ['available', '2026-12-03T20:00:01Z', 'available'],
    ['available', null, 'available'],
    ['sold', '2026-12-01T20:00:00Z', 'sold'],
    ['reserved', '2026-12-01T20:00:00Z', 'reserved'],
    ['withdrawn', '2026-12-01T20:00:00Z', 'withdrawn'],
  ] as const)('shows an %s ticket starting %s as %s', (status, startsAt, shown) => {
    expect(ticketDisplayStatus({ status, startsAt }, now)).toBe(shown);
  });
});
