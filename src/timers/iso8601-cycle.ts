/**
 * ISO 8601 repeating intervals as BPMN timeCycle uses them:
 *   R/PT1H                      every hour from when the timer is armed, unbounded
 *   R5/PT10S                    five firings, ten seconds apart
 *   R3/2026-01-01T06:00:00Z/P1D three firings from a fixed start
 *   R/2026-01-01T06:00:00Z/PT1H unbounded from a fixed start
 *   R3/PT1H/2026-01-02T00:00:00Z every hour from when armed, at most three times, none after the end
 *   R/2026-01-01T00:00:00Z/2026-01-01T06:00:00Z  start and end of the first interval: every 6 hours
 */
import { looksLikeDate, parseDateTime } from './iso8601-date.js';
import { addDuration, approximateMs, isZeroDuration, multiplyDuration, parseDuration, type Duration } from './iso8601-duration.js';
import { checkLength, TimerSyntaxError } from './timer-error.js';

const WHAT = 'ISO 8601 repeating interval';
const MAX_REPETITIONS = 2_147_483_647;

export interface RepeatingInterval {
  /** number of firings; undefined = unbounded */
  repetitions: number | undefined;
  period: Duration;
  /** fixed first slot; undefined = one period after the timer is armed */
  start: number | undefined;
  /** no firing is due later than this */
  end: number | undefined;
}

/** Parses `text` (trimmed); dates without an offset are read in `timeZone` (UTC when undefined). */
export function parseRepeatingInterval(text: string, timeZone?: string): RepeatingInterval {
  checkLength(WHAT, text);
  const fail = (reason: string): never => {
    throw new TimerSyntaxError(WHAT, text, reason);
  };
  const parts = text.split('/');
  const head = /^R(\d*)$/.exec(parts[0]!);
  if (!head) fail("must start with 'R' or 'Rn' followed by '/'");
  if (parts.length < 2 || parts.length > 3) fail(`expected R[n]/duration, R[n]/start/duration or R[n]/duration/end, got ${parts.length} parts`);
  let repetitions: number | undefined;
  if (head![1] !== '') {
    repetitions = Number(head![1]);
    if (head![1]!.length > 10 || repetitions > MAX_REPETITIONS) fail(`repetition count ${head![1]!.slice(0, 12)} too large`);
    if (repetitions < 1) fail('repetition count must be at least 1');
  }
  let start: number | undefined;
  let end: number | undefined;
  let period: Duration;
  if (parts.length === 2) {
    if (looksLikeDate(parts[1]!)) fail('a date alone is not a cycle: add a duration, e.g. R/2026-01-01T06:00:00Z/P1D');
    period = parseDuration(parts[1]!);
  } else {
    const [a, b] = [parts[1]!, parts[2]!];
    if (looksLikeDate(a) && looksLikeDate(b)) {
      start = parseDateTime(a, timeZone);
      const until = parseDateTime(b, timeZone);
      if (until <= start) fail('the end of the interval must be after its start');
      period = { months: 0, days: 0, ms: until - start };
    } else if (looksLikeDate(a)) {
      start = parseDateTime(a, timeZone);
      period = parseDuration(b);
    } else if (looksLikeDate(b)) {
      period = parseDuration(a);
      end = parseDateTime(b, timeZone);
    } else {
      fail('expected a date on one side of the duration');
    }
  }
  if (isZeroDuration(period!)) fail('the period must be longer than zero');
  return { repetitions, period: period!, start, end };
}

/** null when valid, else the message. */
export function checkRepeatingInterval(text: string): string | null {
  try {
    parseRepeatingInterval(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The first slot `anchor + k × period` (k ≥ minK) that is at or after `threshold` (strictly after
 * when `strict`). Slots are computed from the anchor, not by repeated addition, so P1M from
 * Jan 31 gives Feb 28, Mar 31, Apr 30 (no drift). Throws RangeError beyond the year 9999.
 */
export function firstSlotOnGrid(
  anchor: number,
  period: Duration,
  threshold: number,
  strict: boolean,
  minK: number,
  timeZone?: string,
): number {
  const slot = (k: number) => addDuration(anchor, multiplyDuration(period, k), timeZone);
  const ok = (t: number) => (strict ? t > threshold : t >= threshold);
  if (period.months === 0 && period.days === 0) {
    // Exact periods: plain arithmetic.
    let k = Math.max(minK, Math.ceil((threshold - anchor) / period.ms));
    if (!ok(anchor + k * period.ms)) k++;
    return slot(k);
  }
  // Calendar periods: estimate, then walk to the exact answer (a few steps at most).
  let k = Math.max(minK, Math.floor((threshold - anchor) / approximateMs(period)) - 1);
  for (let steps = 0; ; steps++) {
    if (steps > 1000) throw new RangeError('Timer cycle search did not converge');
    if (k > minK && ok(slot(k - 1))) k--;
    else if (!ok(slot(k))) k++;
    else return slot(k);
  }
}
