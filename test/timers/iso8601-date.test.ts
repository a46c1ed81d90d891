import { describe, expect, it } from 'vitest';
import { checkTimer, firstSlot } from '../../src/timers/timer-spec.js';
import { at, iso } from './helpers.js';

const NOW = at('2026-01-15T10:00:00Z');
const due = (text: string, timeZone?: string) => iso(firstSlot('date', text, NOW, timeZone).due);

describe('timeDate: ISO 8601 date-times', () => {
  it.each([
    ['2026-06-01T06:00:00Z', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01T06:00:00.250Z', '2026-06-01T06:00:00.250Z'],
    ['2026-06-01T06:00Z', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01T08:00:00+02:00', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01T08:00:00+0200', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01T01:30:00-04:30', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01T06:00:00', '2026-06-01T06:00:00.000Z'],
    ['2026-06-01', '2026-06-01T00:00:00.000Z'],
  ])('%s is %s', (text, expected) => {
    expect(due(text)).toBe(expected);
  });

  it('reads a date-time without an offset in the given time zone', () => {
    expect(due('2026-06-01T08:00:00', 'Europe/Berlin')).toBe('2026-06-01T06:00:00.000Z'); // CEST
    expect(due('2026-01-01T08:00:00', 'Europe/Berlin')).toBe('2026-01-01T07:00:00.000Z'); // CET
    expect(due('2026-06-01T08:00:00', 'America/New_York')).toBe('2026-06-01T12:00:00.000Z');
  });

  it('an explicit offset wins over the time zone argument', () => {
    expect(due('2026-06-01T08:00:00Z', 'Europe/Berlin')).toBe('2026-06-01T08:00:00.000Z');
    expect(due('2026-06-01T08:00:00+01:00', 'Europe/Berlin')).toBe('2026-06-01T07:00:00.000Z');
  });

  it('accepts the Camunda 8 bracketed zone form', () => {
    expect(due('2026-06-01T08:00:00[Europe/Berlin]')).toBe('2026-06-01T06:00:00.000Z');
    expect(due('2026-06-01T08:00:00+02:00[Europe/Berlin]')).toBe('2026-06-01T06:00:00.000Z');
  });

  it('a wall-clock time skipped by DST moves forward by the gap; a repeated one takes the earlier instant', () => {
    expect(due('2026-03-29T02:30:00', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z'); // = 03:30 CEST
    expect(due('2026-10-25T02:30:00', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z'); // first 02:30 (CEST)
  });

  it('a date in the past is due immediately: due is that past instant', () => {
    expect(firstSlot('date', '2020-01-01T00:00:00Z', NOW)).toEqual({ due: at('2020-01-01T00:00:00Z') });
  });

  it.each([
    ['2026-13-01T00:00:00Z', "Invalid ISO 8601 date-time '2026-13-01T00:00:00Z': month 13 out of range"],
    ['2026-02-29T00:00:00Z', "Invalid ISO 8601 date-time '2026-02-29T00:00:00Z': day 29 out of range for 2026-02"],
    ['2026-01-01T24:00:00Z', "Invalid ISO 8601 date-time '2026-01-01T24:00:00Z': hour 24 out of range"],
    ['2026-01-01T10:60:00Z', "Invalid ISO 8601 date-time '2026-01-01T10:60:00Z': minute 60 out of range"],
    ['2026-01-01T10:00:00+19:00', "Invalid ISO 8601 date-time '2026-01-01T10:00:00+19:00': offset hour 19 out of range"],
    ['tomorrow', "Invalid ISO 8601 date-time 'tomorrow': expected YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or ±hh:mm"],
    ['2026-01-01T10:00:00[Mars/Base]', "Invalid time zone 'Mars/Base'"],
  ])('rejects %j', (text, message) => {
    expect(checkTimer('date', text)).toBe(message);
    expect(() => firstSlot('date', text, NOW)).toThrow(message);
  });

  it('rejects an unknown time zone argument when it is needed', () => {
    expect(() => firstSlot('date', '2026-06-01T08:00:00', NOW, 'Mars/Base')).toThrow("Invalid time zone 'Mars/Base'");
  });
});
