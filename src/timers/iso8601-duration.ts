/**
 * ISO 8601 durations as BPMN timeDuration uses them: `PnYnMnWnDTnHnMnS`, e.g. `P1D`, `PT1H30M`,
 * `PT0.5S`, `P1Y2M3DT4H5M6S`, `P2W`. Calendar parts (Y, M, W, D) are added as calendar units in a
 * time zone, time parts (H, M, S) as exact milliseconds.
 */
import { checkLength, MAX_INSTANT, TimerSyntaxError } from './timer-error.js';
import { daysInMonth, fromLocal, toLocal } from './time-zone.js';

export interface Duration {
  /** calendar months (years × 12 + months) */
  months: number;
  /** calendar days (weeks × 7 + days) */
  days: number;
  /** exact milliseconds (hours, minutes, seconds) */
  ms: number;
}

const WHAT = 'ISO 8601 duration';
const DATE_DESIGNATORS = ['Y', 'M', 'W', 'D'] as const;
const TIME_DESIGNATORS = ['H', 'M', 'S'] as const;
const MS_PER: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000 };
/** Upper bound for a whole duration; anything longer is a mistake, not a schedule. */
const MAX_YEARS = 10_000;
const APPROX_MS_PER_MONTH = 2_629_746_000;
const MAX_APPROX_MS = MAX_YEARS * 12 * APPROX_MS_PER_MONTH;

/** Parses `text` (already trimmed) or throws TimerSyntaxError with the precise problem. */
export function parseDuration(text: string): Duration {
  checkLength(WHAT, text);
  const fail = (reason: string): never => {
    throw new TimerSyntaxError(WHAT, text, reason);
  };
  if (text.length === 0) fail('empty');
  if (text[0] === '-' || text[0] === '+') fail('negative or signed durations are not allowed');
  if (text[0] !== 'P' && text[0] !== 'p') fail("must start with 'P'");
  const upper = text.replace(/[a-z]/g, (c) => c.toUpperCase()); // java.time accepts lower case too

  let months = 0;
  let days = 0;
  let ms = 0;
  let inTime = false;
  let sawTime = false;
  let components = 0;
  let fractionSeen: string | null = null;
  let order = -1; // index of the last designator in its section, to enforce order
  let i = 1;
  while (i < text.length) {
    const c = upper[i]!;
    if (c === 'T') {
      if (inTime) fail("'T' appears twice");
      inTime = true;
      order = -1;
      i++;
      continue;
    }
    const m = /^(\d+)(?:[.,](\d+))?/.exec(upper.slice(i, i + 40));
    if (!m) {
      if (/[A-Za-z]/.test(c)) fail(`missing number before '${c}'`);
      fail(`unexpected character '${c}'`);
    }
    const [numberText, whole, fraction] = m!;
    if (whole!.length > 15 || (fraction?.length ?? 0) > 9) fail(`number ${numberText.slice(0, 20)} is too long`);
    i += numberText.length;
    if (i >= text.length) fail(`number ${numberText} has no designator`);
    const designator = upper[i]!;
    i++;
    if (fractionSeen !== null) fail(`only the last component may have a fraction ('${fractionSeen}' has one)`);
    const section: readonly string[] = inTime ? TIME_DESIGNATORS : DATE_DESIGNATORS;
    const index = section.indexOf(designator);
    if (index < 0) {
      if (!/[A-Z]/.test(designator)) fail(`unexpected character '${designator}'`);
      if (inTime && DATE_DESIGNATORS.includes(designator as 'D')) fail(`designator '${designator}' must come before 'T'`);
      if (!inTime && designator !== 'M' && TIME_DESIGNATORS.includes(designator as 'H')) {
        fail(`designator '${designator}' must come after 'T'`);
      }
      fail(`unknown designator '${designator}'`);
    }
    if (index <= order) fail(`designator '${designator}' is repeated or out of order`);
    order = index;
    components++;
    if (inTime) sawTime = true;
    const value = Number(whole);
    if (fraction !== undefined) {
      if (!inTime) fail(`a fraction is only allowed on hours, minutes or seconds, not on '${designator}'`);
      fractionSeen = designator;
    }
    if (inTime) {
      ms += (value + (fraction ? Number('0.' + fraction) : 0)) * MS_PER[designator]!;
    } else if (designator === 'Y') months += value * 12;
    else if (designator === 'M') months += value;
    else if (designator === 'W') days += value * 7;
    else days += value;
    if (months * APPROX_MS_PER_MONTH + days * 86_400_000 + ms > MAX_APPROX_MS) {
      fail(`longer than ${MAX_YEARS} years`);
    }
  }
  if (inTime && !sawTime) fail("'T' must be followed by at least one of H, M, S");
  if (components === 0) fail('no components');
  return { months, days, ms: Math.round(ms) };
}

/** null when valid, else the message. */
export function checkDuration(text: string): string | null {
  try {
    parseDuration(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function isZeroDuration(d: Duration): boolean {
  return d.months === 0 && d.days === 0 && d.ms === 0;
}

/** `d` repeated `k` times (calendar parts multiply as calendar parts: P1M × 3 = P3M). */
export function multiplyDuration(d: Duration, k: number): Duration {
  return { months: d.months * k, days: d.days * k, ms: d.ms * k };
}

/** A rough length in ms, for estimating how many periods fit in a span (never for results). */
export function approximateMs(d: Duration): number {
  return d.months * APPROX_MS_PER_MONTH + d.days * 86_400_000 + d.ms;
}

/**
 * `instant + d`: months, then days, on the wall clock of `timeZone` (UTC when undefined) keeping
 * the local time of day (day-of-month clamped: Jan 31 + P1M = Feb 28/29), then the exact ms.
 * Throws when the result is beyond year 9999.
 */
export function addDuration(instant: number, d: Duration, timeZone?: string): number {
  let result = instant;
  if (d.months !== 0 || d.days !== 0) {
    const local = toLocal(instant, timeZone);
    const monthIndex = local.year * 12 + (local.month - 1) + d.months;
    const year = Math.floor(monthIndex / 12);
    const month = (monthIndex % 12) + 1;
    if (year > 9999) throw new RangeError('Timer due date is beyond the year 9999');
    const day = Math.min(local.day, daysInMonth(year, month)) + d.days; // overflowing days roll over
    result = fromLocal({ ...local, year, month, day }, timeZone);
  }
  result += d.ms;
  if (!Number.isFinite(result) || result > MAX_INSTANT) throw new RangeError('Timer due date is beyond the year 9999');
  return result;
}
