/**
 * Cron timer cycles, read the way Camunda reads them and computed with cron-parser:
 * - 5 fields, standard cron: `min hour day-of-month month day-of-week`, day-of-week 0-7 (0, 7 = SUN);
 *   when both day fields are restricted a day matching either fires (classic cron).
 * - 6 fields, Quartz style with seconds first (Camunda 7, and Camunda 8's Spring cron):
 *   `sec min hour day-of-month month day-of-week`, `?` = any, day-of-week 1-7 = SUN-SAT
 *   (Quartz numbering), only one of the two day fields may be restricted.
 * - 7 fields: Quartz with a trailing year (1970-2099).
 * - names JAN-DEC and SUN-SAT (any case), ranges (also wrapping: FRI-MON, 22-2), lists, steps,
 *   `L` (last day of month; in day-of-week: `5L` = last Thursday in Quartz numbering), `#`
 *   (`MON#2`, second Monday) and the macros @yearly @annually @monthly @weekly @daily @midnight @hourly.
 * - an optional zone prefix `CRON_TZ=Europe/Berlin ` or `TZ=Europe/Berlin `.
 * Quartz's `W`, `LW` and `L-n` are rejected with a clear message (cron-parser has no equivalent).
 */
import { CronExpressionParser } from 'cron-parser';
import { checkLength, MAX_INSTANT, TimerSyntaxError } from './timer-error.js';
import { checkTimeZone, fromLocal, toLocal } from './time-zone.js';

const WHAT = 'cron expression';

/** A parsed cron cycle, ready for `cronNextAfter`. */
export interface CronSchedule {
  /** the 6-field expression in cron-parser's dialect (seconds first, day-of-week 0=SUN) */
  expression: string;
  /** the zone the expression is read in; undefined = UTC */
  timeZone: string | undefined;
  /** allowed years (Quartz 7th field); undefined = every year */
  years: readonly number[] | undefined;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { JAN: 1, FEB: 2, MAR: 3, APR: 4, MAY: 5, JUN: 6, JUL: 7, AUG: 8, SEP: 9, OCT: 10, NOV: 11, DEC: 12 };
const QUARTZ_DAY_NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const CRON_DAY_NAMES = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES };
const QUARTZ_DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: QUARTZ_DAY_NAMES };
const CRON_DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: CRON_DAY_NAMES };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2099 };

const MACROS: Readonly<Record<string, string>> = {
  '@YEARLY': '0 0 0 1 1 ?',
  '@ANNUALLY': '0 0 0 1 1 ?',
  '@MONTHLY': '0 0 0 1 * ?',
  '@WEEKLY': '0 0 0 ? * SUN',
  '@DAILY': '0 0 0 * * ?',
  '@MIDNIGHT': '0 0 0 * * ?',
  '@HOURLY': '0 0 * * * ?',
};

interface ParsedField {
  /** `*` or `?` (or a list covering the whole range) */
  any: boolean;
  /** values in the field's own numbering */
  values: Set<number>;
  /** L, nL, n#k tokens already in cron-parser's numbering */
  specials: string[];
}

/** Is this cycle text a cron expression (rather than an ISO 8601 repeating interval `R...`)? */
export function isCronText(text: string): boolean {
  return !/^R\d*(?:\/|$)/.test(text);
}

/** Parses `text` (trimmed) or throws TimerSyntaxError / Error('Invalid time zone ...'). */
export function parseCron(text: string, timeZone?: string): CronSchedule {
  checkLength(WHAT, text);
  const fail = (reason: string): never => {
    throw new TimerSyntaxError(WHAT, text, reason);
  };
  let body = text;
  let zone = timeZone;
  const prefix = /^(?:CRON_TZ|TZ)=(\S*)\s+/.exec(body);
  if (prefix) {
    zone = prefix[1]!;
    body = body.slice(prefix[0].length);
  }
  if (zone !== undefined) {
    const problem = checkTimeZone(zone);
    if (problem) throw new Error(problem);
  }
  body = body.trim();
  if (body.length === 0) fail('empty');
  if (body.startsWith('@')) {
    const macro = MACROS[body.toUpperCase()];
    if (!macro) fail(`unknown macro '${body}'`);
    body = macro!;
  }
  const fields = body.split(/\s+/);
  if (fields.length < 5 || fields.length > 7) fail(`expected 5, 6 or 7 fields, got ${fields.length}`);
  const quartz = fields.length >= 6;
  const [sec, min, hour, dom, mon, dow, year] = quartz ? fields : ['0', ...fields];
  const dowSpec = quartz ? QUARTZ_DAY_OF_WEEK : CRON_DAY_OF_WEEK;

  const second = parseField(sec!, SECOND, fail);
  const minute = parseField(min!, MINUTE, fail);
  const hours = parseField(hour!, HOUR, fail);
  const days = parseField(dom!, DAY_OF_MONTH, fail);
  const months = parseField(mon!, MONTH, fail);
  const weekdays = parseField(dow!, dowSpec, fail);
  const years = year === undefined ? undefined : parseField(year, YEAR, fail);

  if (quartz && !days.any && !weekdays.any) {
    fail("day-of-month and day-of-week cannot both be restricted: use '?' in one of them");
  }
  if (!days.any && days.specials.length === 0) {
    const longestMonth = Math.max(...[...(months.any ? [1] : months.values)].map((m) => (m === 2 ? 29 : [4, 6, 9, 11].includes(m) ? 30 : 31)));
    const smallestDay = Math.min(...days.values);
    if (smallestDay > longestMonth) fail(`day-of-month ${smallestDay} never occurs in the given month(s)`);
  }

  // Day of week into cron-parser's numbering: 0 = SUN ... 6 = SAT.
  const cronWeekdays: ParsedField = {
    any: weekdays.any,
    values: new Set([...weekdays.values].map((v) => (quartz ? v - 1 : v % 7))),
    specials: weekdays.specials,
  };
  if (!cronWeekdays.any && cronWeekdays.specials.length === 0 && cronWeekdays.values.size === 7) cronWeekdays.any = true;

  const expression = [
    render(second, SECOND),
    render(minute, MINUTE),
    render(hours, HOUR),
    render(days, DAY_OF_MONTH),
    render(months, MONTH),
    render(cronWeekdays, { name: 'day-of-week', min: 0, max: 6 }),
  ].join(' ');
  try {
    CronExpressionParser.parse(expression, { tz: zone ?? 'UTC', currentDate: 0 });
  } catch (e) {
    fail(describeCronParserError((e as Error).message));
  }
  const yearList = years === undefined || years.any ? undefined : [...years.values].sort((a, b) => a - b);
  return { expression, timeZone: zone, years: yearList };
}

/** null when valid, else the message. */
export function checkCron(text: string): string | null {
  try {
    parseCron(text);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The first firing strictly after `after` (epoch ms), or null when the schedule has no more. */
export function cronNextAfter(schedule: CronSchedule, after: number): number | null {
  let from = after;
  const tz = schedule.timeZone ?? 'UTC';
  // Each round either returns or jumps to the start of a later allowed year: at most 130 rounds.
  for (let round = 0; round < 200; round++) {
    let next: number;
    try {
      next = CronExpressionParser.parse(schedule.expression, { currentDate: new Date(from), tz }).next().getTime();
    } catch {
      return null; // cron-parser's loop limit: no matching date within its search horizon
    }
    if (!Number.isFinite(next) || next > MAX_INSTANT) return null;
    if (!schedule.years) return next;
    const year = toLocal(next, schedule.timeZone).year;
    if (schedule.years.includes(year)) return next;
    const laterYear = schedule.years.find((y) => y > year);
    if (laterYear === undefined) return null;
    from = fromLocal({ year: laterYear, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, schedule.timeZone) - 1;
  }
  return null;
}

function parseField(text: string, spec: FieldSpec, fail: (reason: string) => never): ParsedField {
  const field: ParsedField = { any: false, values: new Set(), specials: [] };
  const isDayOfMonth = spec === DAY_OF_MONTH;
  const isDayOfWeek = spec === QUARTZ_DAY_OF_WEEK || spec === CRON_DAY_OF_WEEK;
  const upper = text.replace(/[a-z]/g, (c) => c.toUpperCase());
  const items = upper.split(',');
  if (items.length > 100) fail(`${spec.name} has more than 100 list items`);
  for (const item of items) {
    if (item === '') fail(`${spec.name} has an empty list item in '${text}'`);
    if (item === '*' || item === '?') {
      if (item === '?' && !isDayOfMonth && !isDayOfWeek) fail(`'?' is only allowed in day-of-month and day-of-week`);
      field.any = true;
      continue;
    }
    if (isDayOfMonth && /^(?:LW|L-\d+|\d+W)$/.test(item)) fail(`'${item}' in day-of-month is not supported`);
    if (isDayOfMonth && item === 'L') {
      field.specials.push('L');
      continue;
    }
    if (isDayOfWeek) {
      if (item === 'L') {
        const saturday = spec === QUARTZ_DAY_OF_WEEK ? 7 : 6; // a lone 'L' is the last day of the week
        addRange(field, saturday, saturday, 1, spec);
        continue;
      }
      const last = /^([A-Z0-9]+)L$/.exec(item);
      if (last) {
        field.specials.push(`${toCronWeekday(value(last[1]!, spec, fail), spec)}L`);
        continue;
      }
      const nth = /^([A-Z0-9]+)#(\d+)$/.exec(item);
      if (nth) {
        const k = Number(nth[2]);
        if (nth[2]!.length > 2 || k < 1 || k > 5) fail(`day-of-week occurrence #${nth[2]} out of range`);
        field.specials.push(`${toCronWeekday(value(nth[1]!, spec, fail), spec)}#${k}`);
        continue;
      }
    }
    const m = /^(\*|[A-Z0-9]+)(?:-([A-Z0-9]+))?(?:\/([0-9]+))?$/.exec(item);
    if (!m) fail(`invalid ${spec.name} '${item}'`);
    const [, from, to, stepText] = m!;
    if (from === '*' && to !== undefined) fail(`invalid ${spec.name} '${item}'`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (stepText.length > 4 || step < 1 || step > spec.max - spec.min + 1)) {
      fail(`${spec.name} step ${stepText} out of range`);
    }
    const start = from === '*' ? spec.min : value(from!, spec, fail);
    const end = to !== undefined ? value(to, spec, fail) : from === '*' || stepText !== undefined ? spec.max : start;
    addRange(field, start, end, step, spec);
  }
  if (!field.any && field.specials.length === 0 && field.values.size === spec.max - spec.min + 1) field.any = true;
  if (field.any && (field.values.size > 0 || field.specials.length > 0)) {
    // '*,5' is just '*'; specials next to '*' would be swallowed by it.
    if (field.specials.length > 0) fail(`${spec.name} combines '*' or '?' with '${field.specials[0]}'`);
    field.values.clear();
  }
  return field;
}

function addRange(field: ParsedField, start: number, end: number, step: number, spec: FieldSpec): void {
  if (start <= end) {
    for (let v = start; v <= end; v += step) field.values.add(v);
    return;
  }
  // A wrapping range (FRI-MON, 22-2): run up to the maximum, then on from the minimum.
  const span = spec.max - spec.min + 1;
  for (let v = start; v <= end + span; v += step) field.values.add(v > spec.max ? v - span : v);
}

function value(text: string, spec: FieldSpec, fail: (reason: string) => never): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (text.length > 4 || n < spec.min || n > spec.max) {
      fail(`${spec.name} ${text.slice(0, 12)} out of range${spec === QUARTZ_DAY_OF_WEEK ? ' (1-7, 1 = SUN; or SUN-SAT)' : ''}`);
    }
    return n;
  }
  const named = spec.names?.[text];
  if (named === undefined) fail(`invalid ${spec.name} '${text.slice(0, 12)}'`);
  return named!;
}

function toCronWeekday(v: number, spec: FieldSpec): number {
  return spec === QUARTZ_DAY_OF_WEEK ? v - 1 : v % 7;
}

function render(field: ParsedField, spec: FieldSpec): string {
  if (field.any) return '*';
  const values = [...field.values].sort((a, b) => a - b);
  if (values.length === spec.max - spec.min + 1 && field.specials.length === 0) return '*';
  return [...values.map(String), ...field.specials].join(',');
}

function describeCronParserError(message: string): string {
  if (/explicit day of month/i.test(message)) return 'the day-of-month never occurs in the given month(s)';
  if (/incompatible/i.test(message)) return "'L' and '#' cannot be combined in day-of-week";
  return message.charAt(0).toLowerCase() + message.slice(1);
}
