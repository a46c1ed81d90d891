/** Shared helpers for the timer specs: instants written as ISO text, read back as ISO text. */
import { firstSlot, nextSlot, type TimerSlot } from '../../src/timers/timer-spec.js';

export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
};
export const iso = (ms: number): string => new Date(ms).toISOString();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Fires a cycle on time, `count` times (or until it ends), and lists the due times. */
export function fireCycle(text: string, count: number, now: number, timeZone?: string): string[] {
  const fired: string[] = [];
  let slot: TimerSlot | null = firstSlot('cycle', text, now, timeZone);
  while (slot && fired.length < count) {
    fired.push(iso(slot.due));
    slot = nextSlot(text, slot, slot.due, timeZone);
  }
  return fired;
}
