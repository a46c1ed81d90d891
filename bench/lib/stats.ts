/** Timing, percentiles, RSS sampling and bounded concurrency loops shared by every scenario. */
import { readFileSync } from 'node:fs';

export function now(): number {
  return performance.now();
}

/** p in [0, 100]; nearest-rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

/** Peak resident set size of this process while `fn` runs (sampled every 50 ms). */
export class RssSampler {
  peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 50) {
    this.timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > this.peak) this.peak = rss;
    }, intervalMs);
    this.timer.unref();
  }
  stop(): number {
    clearInterval(this.timer);
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return this.peak;
  }
}

/** RSS of another process (Linux /proc), in bytes; null where unavailable. */
export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  perSecond: number;
  /** stopped by the time bound before `total` were done */
  timedOut: boolean;
  firstError?: string;
}

/**
 * Runs `one()` `total` times with `inFlight` outstanding at once; stops launching new ones
 * after `maxMs` and waits (bounded) for the ones in flight.
 */
export async function runInFlight(total: number, inFlight: number, maxMs: number, one: (i: number) => Promise<void>): Promise<LoadResult> {
  let next = 0;
  let completed = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = now();
  const deadline = started + maxMs;
  let timedOut = false;
  const lane = async () => {
    while (next < total) {
      if (now() > deadline) {
        timedOut = true;
        return;
      }
      const i = next++;
      try {
        await one(i);
        completed++;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const lanes = Array.from({ length: Math.min(inFlight, total) }, lane);
  // a lane stuck on a lost completion must not hang the run: bound the wait
  let guard: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(lanes), new Promise<void>((resolve) => {
    guard = setTimeout(resolve, maxMs + 30_000);
  })]);
  clearTimeout(guard);
  const elapsedMs = now() - started;
  return { completed, failed, elapsedMs, perSecond: (completed / elapsedMs) * 1000, timedOut, firstError };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sums several load rounds into one figure (total completed / total time). */
export function combine(rounds: LoadResult[]): LoadResult {
  const completed = rounds.reduce((s, r) => s + r.completed, 0);
  const failed = rounds.reduce((s, r) => s + r.failed, 0);
  const elapsedMs = rounds.reduce((s, r) => s + r.elapsedMs, 0);
  return {
    completed,
    failed,
    elapsedMs,
    perSecond: elapsedMs > 0 ? (completed / elapsedMs) * 1000 : 0,
    timedOut: rounds.some((r) => r.timedOut),
    firstError: rounds.find((r) => r.firstError)?.firstError,
  };
}

/** Resolves when `predicate` holds, polling every `everyMs`; false on timeout. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return true;
    await sleep(everyMs);
  }
  return false;
}
