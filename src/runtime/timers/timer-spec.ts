/**
 * INTERFACE STUB — being implemented by the timers work (ISO 8601 dates, durations, repeating
 * intervals; cron 5-field and Quartz 6-field with optional time zone).
 */
import type { TimerKind } from '../../bpmn/graph.js';

/** The state a cycle carries between firings (stored with the timer job). */
export interface TimerSlot {
  /** when this firing is due, epoch ms */
  due: number;
  /** repetitions left after this one; undefined = unbounded */
  remaining?: number;
}

/** Compile-time check of a timer's literal text: null when valid, otherwise what is wrong. */
export function checkTimer(kind: TimerKind, text: string): string | null {
  throw new Error('not implemented: ' + kind + text);
}

/** The first firing when the timer is armed at `now` (text already has expressions evaluated). */
export function firstSlot(kind: TimerKind, text: string, now: number, timeZone?: string): TimerSlot {
  throw new Error('not implemented: ' + kind + text + now + timeZone);
}

/**
 * For cycles: the next firing after `previous` fired, strictly later than `now` so that slots
 * missed while the engine was down fire once, not once each. Null when the cycle is over.
 */
export function nextSlot(text: string, previous: TimerSlot, now: number, timeZone?: string): TimerSlot | null {
  throw new Error('not implemented: ' + text + previous.due + now + timeZone);
}
