/**
 * How often a timer cycle fires: the shortest gap between its first firings. The engine refuses
 * cycles faster than its minTimerCycleInterval budget (`R/PT0.001S` would start ~400 instances a
 * second, forever): at deploy time when the cycle is written in the diagram, with an incident when
 * an expression produces it.
 */
import { firstSlot, nextSlot } from './timer-spec.js';

/** Firings looked at: enough for irregular cron schedules such as `0,1 * * * * ?` to show their shortest gap. */
const FIRINGS_LOOKED_AT = 8;

/** The shortest gap in ms between consecutive firings of the cycle `text` armed at `now`, or null when it fires at most once. */
export function shortestCycleGap(text: string, now: number, timeZone?: string): number | null {
  let slot = firstSlot('cycle', text, now, timeZone);
  let shortest: number | null = null;
  for (let i = 0; i < FIRINGS_LOOKED_AT; i++) {
    const next = nextSlot(text, slot, slot.due, timeZone);
    if (!next) break;
    const gap = next.due - slot.due;
    shortest = shortest === null ? gap : Math.min(shortest, gap);
    slot = next;
  }
  return shortest;
}
