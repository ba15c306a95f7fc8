import {
  dateFilterReady,
  dayBoundary,
  formatEventStart,
  fromDateTimeLocal,
  fromDateTimeLocalAt,
  parseOffset,
  toDateTimeLocal,
} from './event-time';

describe('event times', () => {
  it('shows the start at the wall-clock time the seller gave, naming the offset', () => {
    expect(formatEventStart('2027-05-01T20:00:00+02:00')).toBe('Sat, May 1, 2027, 8:00 PM (UTC+02:00)');
    expect(formatEventStart('2027-05-01T20:00:00-05:30')).toBe('Sat, May 1, 2027, 8:00 PM (UTC−05:30)');
    expect(formatEventStart('2027-05-01T20:00:00Z')).toBe('Sat, May 1, 2027, 8:00 PM (UTC)');
  });

  it('fills a datetime-local input with the wall-clock time the seller gave', () => {
    expect(toDateTimeLocal('2027-05-01T23:30:00-04:00')).toBe('2027-05-01T23:30');
  });

  it("reads a datetime-local value in the browser's zone with that zone's offset on that date", () => {
    const iso = fromDateTimeLocal('2027-05-01T20:00')!;
    expect(iso).toMatch(/^2027-05-01T20:00:00([+-]\d{2}:\d{2})$/);
    expect(new Date(iso).getTime()).toBe(new Date('2027-05-01T20:00').getTime());
    expect(fromDateTimeLocal('tomorrow')).toBeNull();
  });

  it('reads a datetime-local value at a given offset, for the form posted without JavaScript', () => {
    expect(fromDateTimeLocalAt('2027-05-01T20:00', 120)).toBe('2027-05-01T20:00:00+02:00');
    expect(fromDateTimeLocalAt('2027-05-01T20:00', -330)).toBe('2027-05-01T20:00:00-05:30');
    expect(fromDateTimeLocalAt('2027-05-01T20:00', 0)).toBe('2027-05-01T20:00:00+00:00');
    expect(fromDateTimeLocalAt('2027-13-01T20:00', 0)).toBeNull();
    expect(fromDateTimeLocalAt('tomorrow', 0)).toBeNull();
  });

  it('reads the offset TimeZoneField sends, else UTC', () => {
    expect(parseOffset('-300')).toBe(-300);
    expect(parseOffset('330')).toBe(330);
    expect(parseOffset('')).toBe(0);
    expect(parseOffset('9999')).toBe(0);
    expect(parseOffset('1e3')).toBe(0);
  });

  it('turns a day into the first and last second of that day in an offset', () => {
    expect(dayBoundary('2027-05-01', 'start', 120)).toBe('2027-05-01T00:00:00+02:00');
    expect(dayBoundary('2027-05-01', 'end', -300)).toBe('2027-05-01T23:59:59-05:00');
    expect(dayBoundary('2027-13-01', 'start')).toBeNull();
  });

  it.each([
    ['a whole day', '2027-05-01', false, true],
    ['a cleared field', '', false, true],
    ['a partly typed date', '', true, false],
    ['a year still being typed', '0202-05-01', false, false],
    ['a value that is no day', '2027-13-01', false, false],
  ])('applies the date filter as it changes, or not, for %s', (_what, value, badInput, ready) => {
    expect(dateFilterReady(value, badInput)).toBe(ready);
  });
});
