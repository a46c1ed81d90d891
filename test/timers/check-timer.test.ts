import { describe, expect, it } from 'vitest';
import { checkTimer, firstSlot, isTimerExpression } from '../../src/timers/timer-spec.js';
import { at } from './helpers.js';

const NOW = at('2026-01-15T10:00:00Z');

describe('checkTimer: deploy-time validation of literal timer texts', () => {
  it.each([
    ['date', '2026-01-01T06:00:00Z'],
    ['date', '2026-01-01T06:00:00'],
    ['duration', 'PT1H'],
    ['duration', ' P1D '],
    ['cycle', 'R/PT1H'],
    ['cycle', 'R5/PT10S'],
    ['cycle', 'R3/2026-01-01T06:00:00Z/P1D'],
    ['cycle', '0 6 * * *'],
    ['cycle', '0 0 6 * * ?'],
    ['cycle', 'CRON_TZ=Europe/Berlin 0 0 6 * * ?'],
  ] as const)('%s %j is valid', (kind, text) => {
    expect(checkTimer(kind, text)).toBeNull();
  });

  it.each([
    ['duration', '${reminderDelay}'],
    ['duration', 'PT${hours}H'],
    ['date', '#{dueDate}'],
    ['cycle', '= "R/PT" + string(n) + "H"'],
    ['cycle', '  =cycle'],
  ] as const)('%s %j is an expression, evaluated later: null', (kind, text) => {
    expect(isTimerExpression(text)).toBe(true);
    expect(checkTimer(kind, text)).toBeNull();
  });

  it('the kind decides how the text is read', () => {
    expect(checkTimer('duration', '0 6 * * *')).toBe("Invalid ISO 8601 duration '0 6 * * *': must start with 'P'");
    expect(checkTimer('date', 'PT1H')).toMatch(/^Invalid ISO 8601 date-time 'PT1H'/);
    expect(checkTimer('cycle', 'PT1H')).toBe("Invalid cron expression 'PT1H': expected 5, 6 or 7 fields, got 1");
  });

  it('errors thrown at run time are plain Errors with the same message', () => {
    const message = checkTimer('duration', 'P1X');
    let thrown: unknown;
    try {
      firstSlot('duration', 'P1X', NOW);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(message);
  });
});

describe('hostile input', () => {
  it('very long texts are rejected quickly with a shortened quote', () => {
    const long = 'P' + '1'.repeat(100_000) + 'D';
    const started = performance.now();
    const message = checkTimer('duration', long)!;
    expect(performance.now() - started).toBeLessThan(50);
    expect(message).toMatch(/^Invalid ISO 8601 duration 'P1{79}…': longer than 1000 characters$/);
    for (const kind of ['date', 'cycle'] as const) expect(checkTimer(kind, '9'.repeat(1_000_000))).toMatch(/longer than 1000 characters/);
  });

  it('pathological but short texts are rejected, never hang', () => {
    const texts = [
      'P' + '1Y'.repeat(400),
      'PT' + '9'.repeat(500) + 'S',
      'R/' + 'P1D/'.repeat(200),
      Array(100).fill('1-59/1').join(',') + ' * * * *',
      Array(101).fill('1').join(',') + ' * * * *',
      '0 0 6 * * ? ' + '2099-1970',
      '2026-01-01T00:00:00' + '0'.repeat(900),
      '0'.repeat(900) + '-01-01T00:00:00Z',
    ];
    for (const text of texts) {
      for (const kind of ['date', 'duration', 'cycle'] as const) {
        const result = checkTimer(kind, text);
        expect(result === null || typeof result === 'string').toBe(true);
      }
    }
  });

  it('huge numbers are errors, never NaN or Infinity due times', () => {
    expect(checkTimer('duration', 'P99999999999Y')).toBe("Invalid ISO 8601 duration 'P99999999999Y': longer than 10000 years");
    expect(checkTimer('duration', 'PT999999999999999S')).toBe("Invalid ISO 8601 duration 'PT999999999999999S': longer than 10000 years");
    expect(checkTimer('date', '99999-01-01T00:00:00Z')).toMatch(/^Invalid ISO 8601 date-time/);
    expect(checkTimer('cycle', '0 0 99999 * * ?')).toBe("Invalid cron expression '0 0 99999 * * ?': hour 99999 out of range");
  });

  it('firstSlot refuses a non-integer now', () => {
    expect(() => firstSlot('duration', 'PT1H', Number.NaN)).toThrow(TypeError);
  });
});
