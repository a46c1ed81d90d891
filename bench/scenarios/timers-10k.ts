/**
 * `timers-10k`: 10,000 instances each wait on an intermediate timer catch event whose duration
 * (`${delay}`) is spread over 10 s. Every timer must fire once; lateness = when the instance
 * passed the timer (history `activityCompleted.at`) − its due time (`started_at` + duration).
 */
import Database from 'better-sqlite3';
import { timerXml } from '../lib/bpmn.js';
import { openOurs, type OursRun } from '../lib/ours.js';
import { removeDb } from '../lib/files.js';
import { percentile, round, runInFlight, sleep, waitFor } from '../lib/stats.js';
import { fmt, failed, type Scenario } from '../lib/report.js';

const TARGET = 'all fire once, lateness p99 ≤ 50 ms';

function duration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

export const timers10k: Scenario = {
  name: 'timers-10k',
  async run(ctx) {
    const total = ctx.quick ? 2_000 : 10_000;
    const spreadMs = ctx.quick ? 5_000 : 10_000;
    const minDelay = 1_000;
    let run: OursRun | null = await openOurs('timers');
    const file = run.file;
    const delays = new Map<string, number>();
    let ended = 0;
    try {
      run.engine.on('instanceEnded', () => void ended++);
      try {
        await run.engine.deploy({ name: 'bench', resources: [{ name: 'timer.bpmn', content: timerXml() }] });
      } catch (error) {
        return failed(TARGET, `timers not available: the timer diagram does not deploy (${error instanceof Error ? error.message.slice(0, 200) : String(error)})`);
      }
      // probe: does an intermediate timer fire at all in this engine version?
      const probe = await run.engine.start('BenchTimer', { variables: { delay: duration(100) } });
      const fired = await waitFor(() => run!.engine.instance(probe.id).state !== 'active', 3000);
      if (!fired) {
        const incidents = run.engine.db.prepare('SELECT message FROM incidents WHERE instance_id = ?').all(probe.id) as Array<{ message: string }>;
        return failed(TARGET, `timers not available: a 100 ms timer did not fire within 3 s${incidents.length ? ` (incident: ${incidents[0]!.message.slice(0, 160)})` : ''}`);
      }
      ended = 0;
      const started = await runInFlight(total, 1000, 60_000, async (i) => {
        const delay = minDelay + Math.round((i / total) * (spreadMs - minDelay));
        const instance = await run!.engine.start('BenchTimer', { variables: { delay: duration(delay) } });
        delays.set(instance.id, delay);
      });
      if (started.failed) return failed(TARGET, `starting failed: ${started.firstError}`);
      ctx.log(`${fmt(started.completed)} timers armed in ${fmt(started.elapsedMs)} ms`);
      await waitFor(() => ended >= total, spreadMs + 30_000, 50);
      await sleep(500); // a duplicate firing would show up now
      await run.close(true);
      run = null;
      const db = new Database(file, { readonly: true });
      let rows: Array<{ instance_id: string; started_at: number; at: number }>;
      try {
        rows = db.prepare(`SELECT instance_id, started_at, at FROM history WHERE kind = 'activityCompleted' AND element_id = 'Wait'`).all() as typeof rows;
      } finally {
        db.close();
      }
      const firings = new Map<string, number>();
      const lateness: number[] = [];
      for (const row of rows) {
        const delay = delays.get(row.instance_id);
        if (delay === undefined) continue; // the probe
        firings.set(row.instance_id, (firings.get(row.instance_id) ?? 0) + 1);
        lateness.push(row.at - (row.started_at + delay));
      }
      const firedOnce = [...firings.values()].filter((n) => n === 1).length;
      const duplicates = [...firings.values()].filter((n) => n > 1).length;
      const missing = total - firings.size;
      const p50 = percentile(lateness, 50);
      const p99 = percentile(lateness, 99);
      const max = lateness.length ? Math.max(...lateness) : NaN;
      const early = lateness.filter((l) => l < 0).length;
      ctx.log(`fired ${fmt(firings.size)}/${fmt(total)}, lateness p50 ${fmt(p50)} ms p99 ${fmt(p99)} ms max ${fmt(max)} ms`);
      return {
        ours: {
          timers: total,
          spread_ms: spreadMs,
          fired_once: firedOnce,
          fired_more_than_once: duplicates,
          missing,
          fired_early: early,
          lateness_p50_ms: round(p50, 1),
          lateness_p99_ms: round(p99, 1),
          lateness_max_ms: round(max, 1),
        },
        peer: null,
        floor: null,
        ratio_vs_peer: null,
        ratio_vs_floor: null,
        target: TARGET,
        met: missing === 0 && duplicates === 0 && early === 0 && p99 <= 50,
        ...(total < 10_000 ? { note: `quick run: ${fmt(total)} timers over ${spreadMs / 1000} s (judged at this scale)` } : {}),
        cells: { ours: `${fmt(firedOnce)}/${fmt(total)} once, p99 ${fmt(p99)} ms late` },
      };
    } finally {
      if (run) await run.close();
      removeDb(file);
    }
  },
};
