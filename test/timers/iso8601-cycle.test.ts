import { describe, expect, it } from 'vitest';
import { checkTimer, firstSlot, nextSlot, type TimerSlot } from '../../src/timers/timer-spec.js';
import { at, HOUR, fireCycle } from './helpers.js';

const NOW = at('2026-01-15T10:00:00Z');

const run = (text: string, count: number, now = NOW, timeZone?: string) => fireCycle(text, count, now, timeZone);

describe('timeCycle: ISO 8601 repeating intervals', () => {
  it('R/PT1H fires every hour from one period after arming, unbounded', () => {
    expect(firstSlot('cycle', 'R/PT1H', NOW)).toEqual({ due: NOW + HOUR });
    expect(run('R/PT1H', 4)).toEqual([
      '2026-01-15T11:00:00.000Z',
      '2026-01-15T12:00:00.000Z',
      '2026-01-15T13:00:00.000Z',
      '2026-01-15T14:00:00.000Z',
    ]);
  });

  it('R5/PT10S fires five times; remaining counts the firings left after each one', () => {
    const first = firstSlot('cycle', 'R5/PT10S', NOW);
    expect(first).toEqual({ due: NOW + 10_000, remaining: 4 });
    const remainings: number[] = [];
    let slot: TimerSlot | null = first;
    while (slot) {
      remainings.push(slot.remaining!);
      slot = nextSlot('R5/PT10S', slot, slot.due);
    }
    expect(remainings).toEqual([4, 3, 2, 1, 0]);
  });

  it('R1/PT1M fires once', () => {
    const first = firstSlot('cycle', 'R1/PT1M', NOW);
    expect(first.remaining).toBe(0);
    expect(nextSlot('R1/PT1M', first, first.due)).toBeNull();
  });

  it('R3/start/P1D with a start in the future: the start, then every day, three firings', () => {
    expect(run('R3/2026-02-01T06:00:00Z/P1D', 10)).toEqual([
      '2026-02-01T06:00:00.000Z',
      '2026-02-02T06:00:00.000Z',
      '2026-02-03T06:00:00.000Z',
    ]);
  });

  it('R/start/PT1H with a start in the past: the first slot at or after now', () => {
    expect(firstSlot('cycle', 'R/2026-01-01T06:00:00Z/PT1H', at('2026-01-15T10:20:00Z'))).toEqual({
      due: at('2026-01-15T11:00:00Z'),
    });
  });

  it('a slot exactly at now is due now', () => {
    expect(firstSlot('cycle', 'R/2026-01-01T06:00:00Z/PT1H', at('2026-01-15T10:00:00Z')).due).toBe(at('2026-01-15T10:00:00Z'));
  });

  it('R3/start/P with a start in the past still fires three times (only firings count)', () => {
    expect(run('R3/2026-01-01T06:00:00Z/P1D', 10, at('2026-01-15T10:00:00Z'))).toEqual([
      '2026-01-16T06:00:00.000Z',
      '2026-01-17T06:00:00.000Z',
      '2026-01-18T06:00:00.000Z',
    ]);
  });

  it('monthly from a fixed start keeps the day of month: no drift after a short month', () => {
    expect(run('R/2026-01-31T00:00:00Z/P1M', 4, at('2026-01-01T00:00:00Z'))).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
      '2026-04-30T00:00:00.000Z',
    ]);
  });

  it('a daily cycle with a local start keeps its wall-clock time across DST in the given zone', () => {
    expect(run('R/2026-03-27T06:00:00/P1D', 4, at('2026-03-26T00:00:00Z'), 'Europe/Berlin')).toEqual([
      '2026-03-27T05:00:00.000Z', // 06:00 CET
      '2026-03-28T05:00:00.000Z',
      '2026-03-29T04:00:00.000Z', // 06:00 CEST
      '2026-03-30T04:00:00.000Z',
    ]);
  });

  it('R/PT1H/end fires every hour from arming and never after the end', () => {
    expect(run('R/PT1H/2026-01-15T13:30:00Z', 10)).toEqual([
      '2026-01-15T11:00:00.000Z',
      '2026-01-15T12:00:00.000Z',
      '2026-01-15T13:00:00.000Z',
    ]);
    expect(run('R2/PT1H/2026-01-15T13:30:00Z', 10)).toHaveLength(2);
  });

  it('R/PT1H/end whose end is before the first firing is an error when armed', () => {
    expect(() => firstSlot('cycle', 'R/PT1H/2026-01-15T10:30:00Z', NOW)).toThrow(
      "Timer cycle 'R/PT1H/2026-01-15T10:30:00Z' ends at 2026-01-15T10:30:00.000Z, before its first firing",
    );
  });

  it('R/start/end repeats the interval between the two dates', () => {
    expect(run('R/2026-02-01T00:00:00Z/2026-02-01T06:00:00Z', 3)).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-02-01T06:00:00.000Z',
      '2026-02-01T12:00:00.000Z',
    ]);
  });

  it.each([
    ['R0/PT1H', "Invalid ISO 8601 repeating interval 'R0/PT1H': repetition count must be at least 1"],
    ['R/PT0S', "Invalid ISO 8601 repeating interval 'R/PT0S': the period must be longer than zero"],
    ['R99999999999/PT1H', "Invalid ISO 8601 repeating interval 'R99999999999/PT1H': repetition count 99999999999 too large"],
    ['R5', "Invalid ISO 8601 repeating interval 'R5': expected R[n]/duration, R[n]/start/duration or R[n]/duration/end, got 1 parts"],
    ['R/PT1H/PT2H', "Invalid ISO 8601 repeating interval 'R/PT1H/PT2H': expected a date on one side of the duration"],
    ['R/2026-01-01T00:00:00Z', "Invalid ISO 8601 repeating interval 'R/2026-01-01T00:00:00Z': a date alone is not a cycle: add a duration, e.g. R/2026-01-01T06:00:00Z/P1D"],
    ['R/P1X', "Invalid ISO 8601 duration 'P1X': unknown designator 'X'"],
    ['R3/2026-13-01T00:00:00Z/P1D', "Invalid ISO 8601 date-time '2026-13-01T00:00:00Z': month 13 out of range"],
  ])('rejects %j', (text, message) => {
    expect(checkTimer('cycle', text)).toBe(message);
    expect(() => firstSlot('cycle', text, NOW)).toThrow(message);
  });
});
