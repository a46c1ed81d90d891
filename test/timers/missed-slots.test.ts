import { describe, expect, it } from 'vitest';
import { firstSlot, nextSlot } from '../../src/timers/timer-spec.js';
import { at, HOUR, iso } from './helpers.js';

/**
 * The scheduler fires a slot when it is due (or as soon as it can, if the engine was down), then
 * asks nextSlot(text, firedSlot, now). Slots missed while down fire once, not once each.
 */
describe('nextSlot: slots missed while the engine was down fire once', () => {
  it('hourly cycle, engine down for 5 hours: one catch-up firing, then the next slot in the future', () => {
    const armed = at('2026-01-15T09:00:00Z');
    const slot = firstSlot('cycle', 'R/PT1H', armed); // due 10:00
    expect(iso(slot.due)).toBe('2026-01-15T10:00:00.000Z');

    // Engine down 09:30 → 14:30. On restart the overdue 10:00 slot fires once (the catch-up)...
    const restart = at('2026-01-15T14:30:00Z');
    const next = nextSlot('R/PT1H', slot, restart)!;
    // ...and the next one is the first slot on the hourly grid strictly after now, not 11:00.
    expect(iso(next.due)).toBe('2026-01-15T15:00:00.000Z');
    expect(next.due).toBeGreaterThan(restart);
  });

  it('the same with an hourly cron', () => {
    const next = nextSlot('0 0 * * * ?', { due: at('2026-01-15T10:00:00Z') }, at('2026-01-15T14:30:00Z'))!;
    expect(iso(next.due)).toBe('2026-01-15T15:00:00.000Z');
  });

  it('the same with a fixed-start cycle: the grid stays on the start', () => {
    const text = 'R/2026-01-01T00:15:00Z/PT1H';
    const next = nextSlot(text, { due: at('2026-01-15T10:15:00Z') }, at('2026-01-15T14:30:00Z'))!;
    expect(iso(next.due)).toBe('2026-01-15T15:15:00.000Z');
  });

  it('missed slots do not use up repetitions: only firings do', () => {
    const first = firstSlot('cycle', 'R5/PT1H', at('2026-01-15T09:00:00Z'));
    expect(first.remaining).toBe(4);
    const afterCatchUp = nextSlot('R5/PT1H', first, at('2026-01-15T14:30:00Z'))!;
    expect(afterCatchUp).toEqual({ due: at('2026-01-15T15:00:00Z'), remaining: 3 });
  });

  it('a slot due exactly now is not returned again: the next one is strictly later', () => {
    const now = at('2026-01-15T10:00:00Z');
    expect(nextSlot('R/PT1H', { due: now }, now)).toEqual({ due: now + HOUR });
    expect(nextSlot('0 0 * * * ?', { due: now }, now)).toEqual({ due: now + HOUR });
  });

  it('when the engine fires early relative to now (clock skew), the grid still follows previous.due', () => {
    const previous = { due: at('2026-01-15T10:00:00Z') };
    expect(iso(nextSlot('R/PT1H', previous, at('2026-01-15T09:59:59Z'))!.due)).toBe('2026-01-15T11:00:00.000Z');
  });

  it('returns null when no repetitions remain', () => {
    expect(nextSlot('R5/PT1H', { due: at('2026-01-15T10:00:00Z'), remaining: 0 }, at('2026-01-15T10:00:00Z'))).toBeNull();
  });

  it('returns null when the next slot is after the end of an R/P/end cycle', () => {
    const text = 'R/PT1H/2026-01-15T12:30:00Z';
    expect(nextSlot(text, { due: at('2026-01-15T12:00:00Z') }, at('2026-01-15T12:00:00Z'))).toBeNull();
    expect(nextSlot(text, { due: at('2026-01-15T10:00:00Z') }, at('2026-01-15T13:00:00Z'))).toBeNull();
  });

  it('returns null when a cron year field has no later year', () => {
    expect(nextSlot('0 0 6 1 1 ? 2027', { due: at('2027-01-01T06:00:00Z') }, at('2027-01-01T06:00:00Z'))).toBeNull();
  });

  it('far catch-up on a calendar period is computed, not iterated slot by slot', () => {
    const next = nextSlot('R/2000-01-31T00:00:00Z/P1M', { due: at('2000-01-31T00:00:00Z') }, at('2026-02-10T00:00:00Z'))!;
    expect(iso(next.due)).toBe('2026-02-28T00:00:00.000Z');
    const daily = nextSlot('R/2000-01-01T06:00:00/P1D', { due: at('2000-01-01T05:00:00Z') }, at('2026-03-29T03:00:00Z'), 'Europe/Berlin')!;
    expect(iso(daily.due)).toBe('2026-03-29T04:00:00.000Z'); // 06:00 CEST
  });

  it('a daily Berlin cron after a long outage resumes at the next 06:00 local', () => {
    const text = 'CRON_TZ=Europe/Berlin 0 0 6 * * ?';
    const next = nextSlot(text, { due: at('2026-03-20T05:00:00Z') }, at('2026-03-29T07:00:00Z'))!;
    expect(iso(next.due)).toBe('2026-03-30T04:00:00.000Z');
  });
});
