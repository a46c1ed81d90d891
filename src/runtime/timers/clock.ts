/**
 * Time as the engine sees it. `SystemClock` is the real one; `ManualClock` moves only when a
 * test tells it to, firing due alarms in time order.
 */

export interface Clock {
  /** epoch ms */
  now(): number;
  /**
   * Call `fn` once at (or after) `at`, never synchronously inside this call; returns a cancel
   * function. Works for any distance into the future (setTimeout's 2^31-1 ms cap is chained).
   */
  setAlarm(at: number, fn: () => void): () => void;
  /**
   * Longest sleep before the engine looks again for work it was not woken for (another writer,
   * a jump of the system time); 60 s when absent.
   */
  readonly recheckInterval?: number;
}

/** setTimeout's largest delay; longer ones fire at once in Node, so longer alarms are chained. */
export const MAX_TIMEOUT_DELAY = 2_147_483_647;

export interface SystemClockOptions {
  /** longest single setTimeout; lower it in tests to exercise chaining without waiting */
  maxDelay?: number;
  /** the time source; Date.now by default */
  now?: () => number;
}

function assertAlarm(at: number, fn: unknown): void {
  if (!Number.isFinite(at)) throw new TypeError(`alarm time must be a finite epoch ms, got ${at}`);
  if (typeof fn !== 'function') throw new TypeError('alarm callback must be a function');
}

/** Date.now and setTimeout, chained for far alarms; the timers are unref()'d. */
export class SystemClock implements Clock {
  readonly #maxDelay: number;
  readonly #now: () => number;

  constructor(options: SystemClockOptions = {}) {
    const maxDelay = options.maxDelay ?? MAX_TIMEOUT_DELAY;
    if (!(maxDelay >= 1 && maxDelay <= MAX_TIMEOUT_DELAY)) throw new RangeError(`maxDelay must be 1..${MAX_TIMEOUT_DELAY}`);
    this.#maxDelay = maxDelay;
    this.#now = options.now ?? Date.now;
  }

  now(): number {
    return this.#now();
  }

  setAlarm(at: number, fn: () => void): () => void {
    assertAlarm(at, fn);
    let handle: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    const arm = (): void => {
      const delay = Math.min(Math.max(at - this.#now(), 0), this.#maxDelay);
      handle = setTimeout(check, delay);
      // Do not keep the process alive just for a timer (Node); harmless elsewhere.
      (handle as { unref?: () => void }).unref?.();
    };
    const check = (): void => {
      if (done) return;
      // setTimeout may wake a little early against Date.now, and long delays are cut: re-arm.
      if (this.#now() < at) return arm();
      done = true;
      handle = undefined;
      fn();
    };
    arm();
    return () => {
      done = true;
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    };
  }
}

interface Alarm {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock for tests: time moves only through `advance` and `set`. */
export class ManualClock implements Clock {
  /**
   * Time moves only when told, so there is no jump to catch: a re-check every 60 manual seconds
   * would only cost an advance of 60 days 86,400 polls (slow on PostgreSQL).
   */
  readonly recheckInterval = 365 * 86_400_000;
  #now: number;
  #seq = 0;
  readonly #alarms = new Set<Alarm>();

  constructor(start: number | Date = 0) {
    this.#now = toMs(start);
  }

  now(): number {
    return this.#now;
  }

  setAlarm(at: number, fn: () => void): () => void {
    assertAlarm(at, fn);
    const alarm: Alarm = { at, seq: this.#seq++, fn };
    this.#alarms.add(alarm);
    return () => {
      this.#alarms.delete(alarm);
    };
  }

  /** Alarms set and not yet fired or cancelled. */
  get pendingAlarms(): number {
    return this.#alarms.size;
  }

  /** Due time of the earliest pending alarm, or undefined. */
  nextAlarmAt(): number | undefined {
    return this.#earliest()?.at;
  }

  /**
   * Move time forward by `ms`, firing due alarms in time order (ties in the order they were set);
   * each callback sees now() === max(its own due time, the time before advancing). Alarms that
   * callbacks set within the window fire in the same call. `advance(0)` fires alarms already due.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance needs a finite ms >= 0, got ${ms}`);
    this.#runUntil(this.#now + ms);
  }

  /** Jump to `time`: forward fires due alarms like `advance`; backward just sets the time. */
  set(time: number | Date): void {
    const target = toMs(time);
    if (target < this.#now) this.#now = target;
    else this.#runUntil(target);
  }

  #runUntil(target: number): void {
    for (let fired = 0; ; fired++) {
      if (fired > 100_000) throw new Error('ManualClock: more than 100000 alarms fired in one step (an alarm re-arming itself?)');
      const next = this.#earliest();
      if (next === undefined || next.at > target) break;
      this.#alarms.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = Math.max(this.#now, target);
  }

  #earliest(): Alarm | undefined {
    let best: Alarm | undefined;
    for (const a of this.#alarms) if (!best || a.at < best.at || (a.at === best.at && a.seq < best.seq)) best = a;
    return best;
  }
}

function toMs(time: number | Date): number {
  const ms = typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time ${String(time)}`);
  return ms;
}
