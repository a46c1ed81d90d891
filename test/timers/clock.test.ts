import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, MAX_TIMEOUT_DELAY, SystemClock } from '../../src/runtime/timers/clock.js';
import { at, DAY } from './helpers.js';

describe('ManualClock', () => {
  it('starts at the given time (number or Date), or at 0', () => {
    expect(new ManualClock().now()).toBe(0);
    expect(new ManualClock(1234).now()).toBe(1234);
    expect(new ManualClock(new Date('2026-01-01T00:00:00Z')).now()).toBe(at('2026-01-01T00:00:00Z'));
  });

  it('moves only when told', () => {
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    clock.advance(500);
    expect(clock.now()).toBe(1500);
    clock.set(new Date(5000));
    expect(clock.now()).toBe(5000);
  });

  it('fires due alarms in time order, each seeing now() equal to its own due time', () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setAlarm(300, () => seen.push(`c@${clock.now()}`));
    clock.setAlarm(100, () => seen.push(`a@${clock.now()}`));
    clock.setAlarm(200, () => seen.push(`b@${clock.now()}`));
    clock.setAlarm(1000, () => seen.push(`late@${clock.now()}`));
    clock.advance(500);
    expect(seen).toEqual(['a@100', 'b@200', 'c@300']);
    expect(clock.now()).toBe(500);
    expect(clock.pendingAlarms).toBe(1);
    expect(clock.nextAlarmAt()).toBe(1000);
  });

  it('alarms due at the same time fire in the order they were set', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    for (const n of [1, 2, 3]) clock.setAlarm(100, () => seen.push(n));
    clock.advance(100);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('an alarm set by a callback within the window fires in the same advance, in order', () => {
    const clock = new ManualClock(0);
    const seen: string[] = [];
    clock.setAlarm(100, () => {
      seen.push(`first@${clock.now()}`);
      clock.setAlarm(clock.now() + 50, () => seen.push(`chained@${clock.now()}`));
    });
    clock.setAlarm(200, () => seen.push(`second@${clock.now()}`));
    clock.advance(1000);
    expect(seen).toEqual(['first@100', 'chained@150', 'second@200']);
  });

  it('never fires inside setAlarm: an alarm already due fires on the next advance (0 is enough)', () => {
    const clock = new ManualClock(1000);
    const fn = vi.fn();
    clock.setAlarm(500, fn);
    expect(fn).not.toHaveBeenCalled();
    clock.advance(0);
    expect(fn).toHaveBeenCalledOnce();
    expect(clock.now()).toBe(1000); // time never moves backwards for a late alarm
  });

  it('cancel prevents the firing; cancelling twice or after firing is harmless', () => {
    const clock = new ManualClock(0);
    const fn = vi.fn();
    const cancel = clock.setAlarm(100, fn);
    cancel();
    cancel();
    clock.advance(200);
    expect(fn).not.toHaveBeenCalled();
    const fired = vi.fn();
    const cancelFired = clock.setAlarm(300, fired);
    clock.advance(200);
    cancelFired();
    expect(fired).toHaveBeenCalledOnce();
  });

  it('handles alarms 60 days away', () => {
    const clock = new ManualClock(at('2026-01-01T00:00:00Z'));
    const fn = vi.fn();
    clock.setAlarm(clock.now() + 60 * DAY, fn);
    clock.advance(60 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    clock.advance(1);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('set() forward fires like advance; set() backward only moves the time', () => {
    const clock = new ManualClock(1000);
    const fn = vi.fn();
    clock.setAlarm(2000, fn);
    clock.set(500);
    expect(clock.now()).toBe(500);
    expect(fn).not.toHaveBeenCalled();
    clock.set(2500);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('rejects negative or non-finite input', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.setAlarm(Number.NaN, () => {})).toThrow(TypeError);
  });

  it('stops an alarm that keeps re-arming itself at the same instant', () => {
    const clock = new ManualClock(0);
    const rearm = () => {
      clock.setAlarm(clock.now(), rearm);
    };
    clock.setAlarm(10, rearm);
    expect(() => clock.advance(10)).toThrow(/more than 100000 alarms/);
  });
});

describe('SystemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('now() is Date.now()', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fires a short alarm for real, at or after its time', async () => {
    const clock = new SystemClock();
    const due = clock.now() + 30;
    const firedAt = await new Promise<number>((resolve) => clock.setAlarm(due, () => resolve(Date.now())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
  });

  it('a cancelled alarm does not fire', async () => {
    const clock = new SystemClock();
    const fn = vi.fn();
    const cancel = clock.setAlarm(clock.now() + 10, fn);
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fn).not.toHaveBeenCalled();
  });

  it('an alarm in the past fires soon, but not synchronously', async () => {
    const clock = new SystemClock();
    const fn = vi.fn();
    clock.setAlarm(clock.now() - 1000, fn);
    expect(fn).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fn).toHaveBeenCalledOnce();
  });

  it('unrefs its timers so they do not keep the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const cancel = new SystemClock().setAlarm(Date.now() + DAY, () => {});
    const handle = spy.mock.results[0]!.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    cancel();
  });

  it('chains timeouts no longer than maxDelay until the far alarm is due', () => {
    vi.useFakeTimers({ now: at('2026-01-01T00:00:00Z') });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const clock = new SystemClock({ maxDelay: 1000 });
    const fn = vi.fn();
    clock.setAlarm(clock.now() + 3500, fn);
    vi.advanceTimersByTime(3499);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledOnce();
    expect(spy.mock.calls.map((call) => call[1])).toEqual([1000, 1000, 1000, 500]);
  });

  it('cancel works in the middle of a chain', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = new SystemClock({ maxDelay: 1000 });
    const fn = vi.fn();
    const cancel = clock.setAlarm(5000, fn);
    vi.advanceTimersByTime(2500);
    cancel();
    vi.advanceTimersByTime(10_000);
    expect(fn).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with the default maxDelay, an alarm 60 days away fires after 60 days, not at once', () => {
    vi.useFakeTimers({ now: at('2026-01-01T00:00:00Z') });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const clock = new SystemClock();
    const fn = vi.fn();
    const due = clock.now() + 60 * DAY;
    clock.setAlarm(due, () => fn(Date.now()));
    vi.advanceTimersByTime(60 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledWith(due);
    expect(spy.mock.calls.every((call) => (call[1] ?? 0) <= MAX_TIMEOUT_DELAY)).toBe(true);
    expect(spy.mock.calls.length).toBe(3); // 60 days = 2 × (2^31-1) ms + the rest
  });

  it('re-arms when a timeout wakes before its time source has reached the alarm', () => {
    vi.useFakeTimers({ now: 0 });
    let source = 0;
    const clock = new SystemClock({ now: () => source });
    const fn = vi.fn();
    clock.setAlarm(100, fn);
    source = 90; // the timeout wakes after 100 ms, but the source only says 90
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
    source = 100;
    vi.advanceTimersByTime(10);
    expect(fn).toHaveBeenCalledOnce();
  });

  it('rejects a maxDelay outside 1..2^31-1', () => {
    expect(() => new SystemClock({ maxDelay: 0 })).toThrow(RangeError);
    expect(() => new SystemClock({ maxDelay: 2 ** 31 })).toThrow(RangeError);
  });
});
