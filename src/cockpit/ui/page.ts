import type { Info } from './api.js';

/** What a page gets: its route parameters, and hooks whose work stops when the user navigates away. */
export interface PageContext {
  params: string[];
  query: URLSearchParams;
  info: Info;
  /** the person using the cockpit (the authenticated user, or the name typed in the top bar) */
  user(): string;
  /** runs `fn` now and then every `ms` (≤ 2 s) while the page is shown and the tab visible */
  poll(fn: () => Promise<void>, ms?: number): void;
  onLeave(fn: () => void): void;
  /** navigates within the cockpit, e.g. `go('#/instance/abc')` */
  go(hash: string): void;
}

export type Page = (main: HTMLElement, ctx: PageContext) => Promise<void> | void;

/** Keeps one page's timers and clean-up; `stop` ends them all. */
export class PageLifetime {
  private timers: number[] = [];
  private leaves: Array<() => void> = [];
  private stopped = false;

  poll(fn: () => Promise<void>, ms = 1500): void {
    let running = false;
    const tick = async () => {
      if (this.stopped || running || document.hidden) return;
      running = true;
      try {
        await fn();
      } catch (error) {
        console.warn('refresh failed', error);
      } finally {
        running = false;
      }
    };
    void tick();
    this.timers.push(window.setInterval(() => void tick(), Math.min(ms, 2000)));
  }

  onLeave(fn: () => void): void {
    this.leaves.push(fn);
  }

  get active(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const id of this.timers) window.clearInterval(id);
    for (const fn of this.leaves) {
      try {
        fn();
      } catch {
        // a page's clean-up must not break navigation
      }
    }
    this.timers = [];
    this.leaves = [];
  }
}

/** Re-renders `target` only when the data changed, so polling does not flicker or steal focus. */
export function changed(target: Element, data: unknown): boolean {
  const text = JSON.stringify(data);
  const el = target as Element & { _cockpitData?: string };
  if (el._cockpitData === text) return false;
  el._cockpitData = text;
  return true;
}
