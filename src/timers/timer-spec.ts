/**
 * Timer event definitions (BPMN timeDate, timeDuration, timeCycle as Camunda 7 and 8 accept them)
 * turned into due instants. The compiler calls `checkTimer` on literal texts at deploy time; the
 * runtime calls `firstSlot` when a timer is armed and `nextSlot` after each firing of a cycle.
 */
import type { TimerKind } from './timer-kind.js';
import { cronNextAfter, isCronText, parseCron } from './cron.js';
import { parseDateTime } from './iso8601-date.js';
import { addDuration, parseDuration } from './iso8601-duration.js';
import { firstSlotOnGrid, parseRepeatingInterval } from './iso8601-cycle.js';
import { quote } from './timer-error.js';

/** The state a cycle carries between firings (stored with the timer job). */
export interface TimerSlot {
  /** when this firing is due, epoch ms */
  due: number;
  /** repetitions left after this one; undefined = unbounded */
  remaining?: number;
}

/** Is `text` an expression (`${...}`, `#{...}`, FEEL `=...`) to be evaluated before use? */
export function isTimerExpression(text: string): boolean {
  return text.includes('${') || text.includes('#{') || text.trimStart().startsWith('=');
}

/** Compile-time check of a timer's literal text: null when valid, otherwise what is wrong. */
export function checkTimer(kind: TimerKind, text: string): string | null {
  if (isTimerExpression(text)) return null;
  const t = text.trim();
  try {
    switch (kind) {
      case 'date':
        parseDateTime(t);
        break;
      case 'duration':
        parseDuration(t);
        break;
      case 'cycle':
        if (isCronText(t)) parseCron(t);
        else parseRepeatingInterval(t);
        break;
      default:
        return `Unknown timer kind '${String(kind)}'`;
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * The first firing when the timer is armed at `now` (text already has expressions evaluated).
 * Throws an Error with the same message `checkTimer` gives when the text is invalid.
 * - date: that instant (a past date is due at once: `due` < now);
 * - duration: now + duration;
 * - cycle: R/P and Rn/P → now + P; R/start/P → the first slot start + k×P at or after now;
 *   cron → the first match strictly after now. `remaining` = firings left after this one.
 */
export function firstSlot(kind: TimerKind, text: string, now: number, timeZone?: string): TimerSlot {
  assertInstant(now, 'now');
  const t = text.trim();
  return asError(() => {
    switch (kind) {
      case 'date':
        return { due: parseDateTime(t, timeZone) };
      case 'duration':
        return { due: addDuration(now, parseDuration(t), timeZone) };
      case 'cycle':
        return firstCycleSlot(t, now, timeZone);
      default:
        throw new Error(`Unknown timer kind '${String(kind)}'`);
    }
  });
}

/**
 * For cycles: the next firing after `previous` fired, strictly later than `now` so that slots
 * missed while the engine was down fire once, not once each. Null when the cycle is over.
 * Missed slots do not use up repetitions; only firings do.
 */
export function nextSlot(text: string, previous: TimerSlot, now: number, timeZone?: string): TimerSlot | null {
  assertInstant(now, 'now');
  assertInstant(previous.due, 'previous.due');
  if (previous.remaining !== undefined && previous.remaining <= 0) return null;
  const remaining = previous.remaining === undefined ? undefined : previous.remaining - 1;
  const after = Math.max(previous.due, now);
  const t = text.trim();
  return asError(() => {
    if (isCronText(t)) {
      const due = cronNextAfter(parseCron(t, timeZone), after);
      return due === null ? null : withRemaining(due, remaining);
    }
    const cycle = parseRepeatingInterval(t, timeZone);
    let due: number;
    try {
      // A fixed start keeps the grid; without one the grid is anchored on the previous slot.
      due =
        cycle.start !== undefined
          ? firstSlotOnGrid(cycle.start, cycle.period, after, true, 0, timeZone)
          : firstSlotOnGrid(previous.due, cycle.period, after, true, 1, timeZone);
    } catch (e) {
      if (e instanceof RangeError) return null; // the next slot would be beyond the year 9999
      throw e;
    }
    if (cycle.end !== undefined && due > cycle.end) return null;
    return withRemaining(due, remaining);
  });
}

function firstCycleSlot(text: string, now: number, timeZone: string | undefined): TimerSlot {
  if (isCronText(text)) {
    const due = cronNextAfter(parseCron(text, timeZone), now);
    if (due === null) throw new Error(`Timer cycle ${quote(text)} never fires after ${new Date(now).toISOString()}`);
    return { due };
  }
  const cycle = parseRepeatingInterval(text, timeZone);
  const remaining = cycle.repetitions === undefined ? undefined : cycle.repetitions - 1;
  const due =
    cycle.start !== undefined
      ? firstSlotOnGrid(cycle.start, cycle.period, now, false, 0, timeZone)
      : addDuration(now, cycle.period, timeZone);
  if (cycle.end !== undefined && due > cycle.end) {
    throw new Error(`Timer cycle ${quote(text)} ends at ${new Date(cycle.end).toISOString()}, before its first firing`);
  }
  return withRemaining(due, remaining);
}

function withRemaining(due: number, remaining: number | undefined): TimerSlot {
  return remaining === undefined ? { due } : { due, remaining };
}

function assertInstant(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be an integer epoch ms, got ${value}`);
}

/** Everything thrown out of here is a plain Error whose message is the precise problem. */
function asError<T>(run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof RangeError) throw new Error(e.message);
    throw e;
  }
}
