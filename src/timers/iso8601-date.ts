/**
 * ISO 8601 date-times as BPMN timeDate uses them:
 *   2026-01-01T06:00:00Z, 2026-01-01T06:00:00.250+02:00, 2026-01-01T06:00+0200,
 *   2026-01-01T06:00:00 (local: in the time zone given, else UTC), 2026-01-01 (local midnight),
 *   2026-01-01T06:00:00[Europe/Berlin] and 2026-01-01T06:00:00+01:00[Europe/Berlin] (Camunda 8).
 */
import { checkLength, TimerSyntaxError } from './timer-error.js';
import { checkTimeZone, daysInMonth, fromLocal } from './time-zone.js';

const WHAT = 'ISO 8601 date-time';

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?(?:\[([^\]]{1,64})\])?$/;

/** Does `text` look like a date-time (as opposed to a duration) — used to tell cycle parts apart. */
export function looksLikeDate(text: string): boolean {
  return /^\d{4}-/.test(text);
}

/**
 * The instant `text` denotes. Without an offset or zone the wall-clock time is read in `timeZone`
 * (UTC when undefined). Throws TimerSyntaxError for bad syntax or out-of-range fields and
 * `Error('Invalid time zone ...')` for an unknown zone.
 */
export function parseDateTime(text: string, timeZone?: string): number {
  checkLength(WHAT, text);
  const fail = (reason: string): never => {
    throw new TimerSyntaxError(WHAT, text, reason);
  };
  if (text.length === 0) fail('empty');
  const m = PATTERN.exec(text);
  if (!m) fail('expected YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or ±hh:mm');
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om, zone] = m!;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millisecond = frac === undefined ? 0 : Math.floor(Number('0.' + frac) * 1000);
  if (year < 1) fail(`year ${y} out of range`);
  if (month < 1 || month > 12) fail(`month ${month} out of range`);
  if (day < 1 || day > daysInMonth(year, month)) fail(`day ${day} out of range for ${y}-${mo}`);
  if (hour > 23) fail(`hour ${hour} out of range`);
  if (minute > 59) fail(`minute ${minute} out of range`);
  if (second > 59) fail(`second ${second} out of range`);
  if (h === undefined && (zulu !== undefined || sign !== undefined)) fail('an offset needs a time');
  if (zone !== undefined) {
    const problem = checkTimeZone(zone);
    if (problem) throw new Error(problem);
  }
  const local = { year, month, day, hour, minute, second, millisecond };
  if (zulu !== undefined) return fromLocal(local, undefined);
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = om === undefined ? 0 : Number(om);
    if (offsetHours > 18) fail(`offset hour ${offsetHours} out of range`);
    if (offsetMinutes > 59) fail(`offset minute ${offsetMinutes} out of range`);
    const offset = (sign === '-' ? -1 : 1) * (offsetHours * 3_600_000 + offsetMinutes * 60_000);
    return fromLocal(local, undefined) - offset;
  }
  if (zone !== undefined) return fromLocal(local, zone);
  if (timeZone !== undefined) {
    const problem = checkTimeZone(timeZone);
    if (problem) throw new Error(problem);
  }
  return fromLocal(local, timeZone);
}

/** null when valid, else the message. */
export function checkDateTime(text: string): string | null {
  try {
    parseDateTime(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
