/**
 * IANA time zones: validation and conversion between instants and local wall-clock fields.
 * Uses Intl only; `undefined` and 'UTC' take a fast path.
 */

/** Wall-clock fields in some zone; month is 1-12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/** null when `timeZone` is a zone Intl (and therefore cron-parser's luxon) knows, else the message. */
export function checkTimeZone(timeZone: string): string | null {
  if (timeZone.length === 0 || timeZone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(timeZone)) {
    return `Invalid time zone '${timeZone.slice(0, 64)}'`;
  }
  try {
    formatter(timeZone);
    return null;
  } catch {
    return `Invalid time zone '${timeZone}'`;
  }
}

/** Throws `Error('Invalid time zone ...')` for an unknown zone. */
export function assertTimeZone(timeZone: string | undefined): void {
  if (timeZone === undefined) return;
  const problem = checkTimeZone(timeZone);
  if (problem) throw new Error(problem);
}

function isUtc(timeZone: string | undefined): boolean {
  return timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC';
}

/** Epoch ms of the given fields read as UTC (years 0-99 are taken literally, unlike Date.UTC). */
export function utcFromFields(f: LocalDateTime): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, f.millisecond);
  return d.getTime();
}

function utcFields(instant: number): LocalDateTime {
  const d = new Date(instant);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(instant: number, timeZone: string | undefined): number {
  if (isUtc(timeZone)) return 0;
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  const parts = formatter(timeZone!).formatToParts(new Date(wholeSecond));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = utcFromFields({
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: 0,
  });
  return local - wholeSecond;
}

/** The wall-clock fields of `instant` in `timeZone`. */
export function toLocal(instant: number, timeZone: string | undefined): LocalDateTime {
  return utcFields(instant + offsetAt(instant, timeZone));
}

/**
 * The instant at which the wall clock of `timeZone` shows `local`. Like java.time's
 * ZonedDateTime.of: a time skipped by a DST gap is moved forward by the length of the gap
 * (Berlin 02:30 on the spring-forward day → 03:30 CEST); a time that occurs twice takes the
 * earlier instant.
 */
export function fromLocal(local: LocalDateTime, timeZone: string | undefined): number {
  const asUtc = utcFromFields(local);
  if (isUtc(timeZone)) return asUtc;
  const before = offsetAt(asUtc - 86_400_000, timeZone);
  const after = offsetAt(asUtc + 86_400_000, timeZone);
  const valid = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((instant) => asUtc - offsetAt(instant, timeZone) === instant);
  if (valid.length === 0) {
    // A second offset might hide in the window (rare double transitions): ask the zone directly.
    const direct = asUtc - offsetAt(asUtc - before, timeZone);
    if (asUtc - offsetAt(direct, timeZone) === direct) return direct;
    return asUtc - before; // in a gap: the offset before the gap pushes the time forward
  }
  return Math.min(...valid);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
