import { describe, expect, it } from 'vitest';
import { checkTimer, firstSlot } from '../../src/timers/timer-spec.js';
import { at, DAY, HOUR, iso } from './helpers.js';

const NOW = at('2026-01-15T10:00:00Z');
const due = (text: string, now = NOW, timeZone?: string) => iso(firstSlot('duration', text, now, timeZone).due);

describe('timeDuration: ISO 8601 durations', () => {
  it.each([
    ['PT1S', '2026-01-15T10:00:01.000Z'],
    ['PT0.5S', '2026-01-15T10:00:00.500Z'],
    ['PT0,25S', '2026-01-15T10:00:00.250Z'],
    ['PT1.0005S', '2026-01-15T10:00:01.001Z'],
    ['PT90M', '2026-01-15T11:30:00.000Z'],
    ['PT1H30M', '2026-01-15T11:30:00.000Z'],
    ['PT1.5H', '2026-01-15T11:30:00.000Z'],
    ['PT36H', '2026-01-16T22:00:00.000Z'],
    ['P1D', '2026-01-16T10:00:00.000Z'],
    ['P2W', '2026-01-29T10:00:00.000Z'],
    ['P1M', '2026-02-15T10:00:00.000Z'],
    ['P1Y', '2027-01-15T10:00:00.000Z'],
    ['P1Y2M3DT4H5M6S', '2027-03-18T14:05:06.000Z'],
    ['P60D', '2026-03-16T10:00:00.000Z'],
    ['p1dt1h', '2026-01-16T11:00:00.000Z'],
  ])('%s from 2026-01-15T10:00Z is due at %s', (text, expected) => {
    expect(due(text)).toBe(expected);
  });

  it('trims whitespace around the text (as it comes out of XML)', () => {
    expect(due('\n   PT1H  \n')).toBe('2026-01-15T11:00:00.000Z');
  });

  it('adds months in calendar terms, clamping to the end of a shorter month', () => {
    expect(due('P1M', at('2026-01-31T08:00:00Z'))).toBe('2026-02-28T08:00:00.000Z');
    expect(due('P1M', at('2028-01-31T08:00:00Z'))).toBe('2028-02-29T08:00:00.000Z');
    expect(due('P1Y', at('2028-02-29T08:00:00Z'))).toBe('2029-02-28T08:00:00.000Z');
  });

  it('P1D across the DST change in Europe/Berlin is a calendar day (23 hours), PT24H is 24 hours', () => {
    const saturday6am = at('2026-03-28T05:00:00Z'); // 06:00 CET
    const p1d = firstSlot('duration', 'P1D', saturday6am, 'Europe/Berlin').due;
    const pt24h = firstSlot('duration', 'PT24H', saturday6am, 'Europe/Berlin').due;
    expect(iso(p1d)).toBe('2026-03-29T04:00:00.000Z'); // 06:00 CEST
    expect(p1d - saturday6am).toBe(23 * HOUR);
    expect(pt24h - saturday6am).toBe(24 * HOUR);
  });

  it('P1D without a time zone is 24 hours (UTC calendar)', () => {
    expect(firstSlot('duration', 'P1D', at('2026-03-28T05:00:00Z')).due - at('2026-03-28T05:00:00Z')).toBe(DAY);
  });

  it('represents timers far out (400 days) as exact integers', () => {
    const { due: d } = firstSlot('duration', 'P400D', NOW);
    expect(Number.isSafeInteger(d)).toBe(true);
    expect(d - NOW).toBe(400 * DAY);
  });

  it.each([
    ['P1X', "Invalid ISO 8601 duration 'P1X': unknown designator 'X'"],
    ['P', "Invalid ISO 8601 duration 'P': no components"],
    ['PT', "Invalid ISO 8601 duration 'PT': 'T' must be followed by at least one of H, M, S"],
    ['1D', "Invalid ISO 8601 duration '1D': must start with 'P'"],
    ['', "Invalid ISO 8601 duration '': empty"],
    ['-P1D', "Invalid ISO 8601 duration '-P1D': negative or signed durations are not allowed"],
    ['P1H', "Invalid ISO 8601 duration 'P1H': designator 'H' must come after 'T'"],
    ['PT1D', "Invalid ISO 8601 duration 'PT1D': designator 'D' must come before 'T'"],
    ['P1D1Y', "Invalid ISO 8601 duration 'P1D1Y': designator 'Y' is repeated or out of order"],
    ['P1D2D', "Invalid ISO 8601 duration 'P1D2D': designator 'D' is repeated or out of order"],
    ['PTH', "Invalid ISO 8601 duration 'PTH': missing number before 'H'"],
    ['PT5', "Invalid ISO 8601 duration 'PT5': number 5 has no designator"],
    ['P1.5D', "Invalid ISO 8601 duration 'P1.5D': a fraction is only allowed on hours, minutes or seconds, not on 'D'"],
    ['PT1.5H30M', "Invalid ISO 8601 duration 'PT1.5H30M': only the last component may have a fraction ('H' has one)"],
    ['P99999999999Y', "Invalid ISO 8601 duration 'P99999999999Y': longer than 10000 years"],
    ['PT9999999999999999999S', "Invalid ISO 8601 duration 'PT9999999999999999999S': number 9999999999999999999 is too long"],
  ])('rejects %j', (text, message) => {
    expect(checkTimer('duration', text)).toBe(message);
    expect(() => firstSlot('duration', text, NOW)).toThrow(message);
  });

  it('never yields a non-integer or non-finite due time', () => {
    for (const text of ['PT0.0001S', 'PT0.3333333S', 'P7000Y', 'PT1.999999999S']) {
      const { due: d } = firstSlot('duration', text, NOW);
      expect(Number.isSafeInteger(d)).toBe(true);
    }
  });

  it('throws, rather than overflowing, when the due date would be past the year 9999', () => {
    expect(() => firstSlot('duration', 'P9999Y', at('2026-01-01T00:00:00Z'))).toThrow('Timer due date is beyond the year 9999');
  });
});
