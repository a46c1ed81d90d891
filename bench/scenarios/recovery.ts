/**
 * `recovery`: a server process holds 100,000 active instances (waiting on an in-process-handled
 * service task) and is busy with them (handlers running, new instances starting) when it is
 * killed with SIGKILL. A fresh process on the same file must accept requests within 2 s
 * (`GET /engine-rest/version`) and finish every instance.
 */
import Database from 'better-sqlite3';
import { simpleXml } from '../lib/bpmn.js';
import { openOurs, startParked } from '../lib/ours.js';
import { removeDb } from '../lib/files.js';
import { spawnServer, stopServer, http, type ServerChild } from '../lib/server.js';
import { now, round, sleep, waitFor } from '../lib/stats.js';
import { fmt, failed, type Scenario } from '../lib/report.js';

const TARGET = 'accepting ≤ 2 s, all in-flight work resumes';

export const recovery: Scenario = {
  name: 'recovery',
  async run(ctx) {
    const total = ctx.quick ? 10_000 : 100_000;
    const drainMs = ctx.quick ? 60_000 : 180_000;
    const run = await openOurs('recovery');
    const file = run.file;
    try {
      await run.engine.deploy({ name: 'bench', resources: [{ name: 'simple.bpmn', content: simpleXml('ours') }] });
      // no handler here: every instance parks on an open job of topic `work`
      const parked = await startParked(run, 'BenchSimple', total, 1000, 300_000, () => ({ ok: true }));
      if (parked.failed) return failed(TARGET, `starting failed: ${parked.firstError}`);
      ctx.log(`${fmt(parked.completed)} instances parked on service-task jobs`);
      await run.close(true);
    } catch (error) {
      await run.close();
      throw error;
    }
    let victim: ServerChild | null = null;
    let survivor: ServerChild | null = null;
    try {
      // the victim: handlers take 20 ms each, 50 lanes keep starting new instances
      victim = spawnServer(['--db', file, '--handle', 'work:20', '--load', 'BenchSimple:50', '--report']);
      try {
        await victim.ready;
      } catch (error) {
        return failed(TARGET, `REST not available: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(2000);
      const beforeKill = { ...victim.last };
      victim.kill('SIGKILL');
      await victim.exited;
      ctx.log(`killed -9 with ${fmt(beforeKill.active ?? NaN)} active instances, ${fmt(beforeKill.jobs ?? NaN)} jobs`);

      survivor = spawnServer(['--db', file, '--handle', 'work', '--report']);
      const spawnedAt = survivor.spawnedAt;
      let acceptingMs = NaN;
      let port: number | null = null;
      void survivor.ready.then((r) => (port = r.port), () => undefined);
      // poll until it answers; the port is known once it listens, so the first answer is the bound
      const accepted = await waitFor(async () => {
        if (port === null) return false;
        try {
          const res = await http(port, 'GET', '/engine-rest/version', undefined, 1000, false);
          if (res.status === 200) {
            acceptingMs = now() - spawnedAt;
            return true;
          }
        } catch {
          // not yet
        }
        return false;
      }, 30_000, 5);
      if (!accepted) {
        const why = await survivor.ready.then(() => 'it never answered GET /version', (e: Error) => e.message);
        return failed(TARGET, `restart: ${why}`);
      }
      const ready = await survivor.ready;
      ctx.log(`restarted: accepting requests ${fmt(acceptingMs)} ms after spawn (node + imports ${fmt(ready.bootMs)} ms, Engine.open ${fmt(ready.openMs - ready.bootMs)} ms)`);
      const drainStart = now();
      const drained = await waitFor(() => survivor!.last.active === 0 && survivor!.last.jobs === 0, drainMs, 50);
      const drainedMs = now() - drainStart;
      const afterDrain = { ...survivor.last };
      await stopServer(survivor);
      survivor = null;
      const db = new Database(file, { readonly: true });
      let counts: { active: number; completed: number; jobs: number; twice: number };
      try {
        counts = {
          active: (db.prepare(`SELECT count(*) AS n FROM instances WHERE state = 'active'`).get() as { n: number }).n,
          completed: (db.prepare(`SELECT count(*) AS n FROM instances WHERE state = 'completed'`).get() as { n: number }).n,
          jobs: (db.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number }).n,
          twice: (db.prepare(`SELECT count(*) AS n FROM (SELECT instance_id FROM history WHERE kind = 'instanceCompleted' GROUP BY instance_id HAVING count(*) > 1)`).get() as { n: number }).n,
        };
      } finally {
        db.close();
      }
      ctx.log(`drained in ${fmt(drainedMs)} ms: ${fmt(counts.completed)} completed, ${counts.active} active, ${counts.jobs} jobs left`);
      const met = acceptingMs <= 2000 && drained && counts.active === 0 && counts.jobs === 0 && counts.twice === 0;
      return {
        ours: {
          parked_instances: total,
          active_at_kill: beforeKill.active ?? null,
          jobs_at_kill: beforeKill.jobs ?? null,
          accepting_ms_after_spawn: round(acceptingMs, 0),
          child_boot_ms: round(ready.bootMs, 0),
          engine_open_ms: round(ready.openMs - ready.bootMs, 0),
          listening_ms_after_process_start: round(ready.listenMs, 0),
          drained,
          drain_ms: round(drainedMs, 0),
          completed_instances: counts.completed,
          active_left: counts.active,
          jobs_left: counts.jobs,
          completed_twice: counts.twice,
          rss_while_draining_mb: afterDrain.rss ? round(afterDrain.rss / 1048576, 1) : null,
        },
        peer: null,
        floor: null,
        ratio_vs_peer: null,
        ratio_vs_floor: null,
        target: TARGET,
        met,
        ...(total < 100_000 ? { note: `quick run: ${fmt(total)} parked instances, not 100,000 (judged at this scale)` } : {}),
        cells: { ours: `accepting ${fmt(acceptingMs)} ms, ${drained ? 'all done' : `${counts.active} left`} in ${fmt(drainedMs / 1000, 1)} s` },
      };
    } finally {
      if (victim) victim.kill('SIGKILL');
      if (survivor) await stopServer(survivor);
      removeDb(file);
    }
  },
};
