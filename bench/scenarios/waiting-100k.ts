/**
 * `waiting-100k`: 100,000 instances parked on a user task with candidate groups; then a fresh
 * engine process opens the file and serves REST. Measures that process's RSS after start-up and
 * the latency of `GET /engine-rest/task?candidateGroup=…&maxResults=50`, 1,000 times.
 */
import { userTaskXml } from '../lib/bpmn.js';
import { openOurs, startParked } from '../lib/ours.js';
import { removeDb } from '../lib/files.js';
import { spawnServer, stopServer, http } from '../lib/server.js';
import { mb, now, percentile, rssOf, round, sleep } from '../lib/stats.js';
import { fmt, failed, type Scenario } from '../lib/report.js';

const TARGET = 'RSS ≤ 150 MB, query p99 ≤ 5 ms';

export const waiting100k: Scenario = {
  name: 'waiting-100k',
  async run(ctx) {
    const total = ctx.quick ? 20_000 : 100_000;
    const queries = 1000;
    const run = await openOurs('waiting');
    const file = run.file;
    let startRate = 0;
    try {
      await run.engine.deploy({ name: 'bench', resources: [{ name: 'waiting.bpmn', content: userTaskXml('BenchWaiting', 'analysts') }] });
      // a second group, so the query has to select
      await run.engine.deploy({ name: 'bench2', resources: [{ name: 'other.bpmn', content: userTaskXml('BenchOther', 'auditors') }] });
      const parked = await startParked(run, 'BenchWaiting', Math.floor(total * 0.9), 1000, 300_000);
      const other = await startParked(run, 'BenchOther', total - Math.floor(total * 0.9), 1000, 300_000);
      if (parked.failed || other.failed) return failed(TARGET, `starting instances failed: ${parked.firstError ?? other.firstError}`);
      startRate = ((parked.completed + other.completed) / (parked.elapsedMs + other.elapsedMs)) * 1000;
      ctx.log(`${fmt(parked.completed + other.completed)} instances parked at ${fmt(startRate)} starts/s`);
      await run.close(true);
    } catch (error) {
      await run.close();
      throw error;
    }
    const server = spawnServer(['--db', file]);
    try {
      let ready;
      try {
        ready = await server.ready;
      } catch (error) {
        return failed(TARGET, `REST not available: ${error instanceof Error ? error.message : String(error)}`);
      }
      const readyMs = now() - server.spawnedAt;
      await sleep(200);
      const rssStart = rssOf(server.pid) ?? NaN;
      const path = '/engine-rest/task?candidateGroup=analysts&maxResults=50';
      const first = await http(ready.port, 'GET', path);
      if (first.status !== 200) return failed(TARGET, `GET task answered ${first.status}: ${first.body.slice(0, 200)}`);
      const firstCount = (JSON.parse(first.body) as unknown[]).length;
      for (let i = 0; i < 50; i++) await http(ready.port, 'GET', path); // warm-up
      const latencies: number[] = [];
      let errors = 0;
      const deadline = now() + 60_000;
      for (let i = 0; i < queries && now() < deadline; i++) {
        const t = now();
        const res = await http(ready.port, 'GET', path);
        latencies.push(now() - t);
        if (res.status !== 200) errors++;
      }
      const rssAfter = rssOf(server.pid) ?? NaN;
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      ctx.log(`RSS ${mb(rssStart)} MB after start-up, query p50 ${fmt(p50, 2)} ms p99 ${fmt(p99, 2)} ms`);
      const met = mb(rssStart) <= 150 && p99 <= 5 && errors === 0 && firstCount === 50;
      return {
        ours: {
          instances: total,
          parked_in_group: Math.floor(total * 0.9),
          start_rate_per_s: round(startRate, 0),
          ready_ms: round(readyMs, 0),
          rss_after_startup_mb: mb(rssStart),
          rss_after_queries_mb: mb(rssAfter),
          queries: latencies.length,
          query_errors: errors,
          results_per_query: firstCount,
          p50_ms: round(p50, 2),
          p99_ms: round(p99, 2),
          max_ms: round(Math.max(...latencies), 2),
        },
        peer: null,
        floor: null,
        ratio_vs_peer: null,
        ratio_vs_floor: null,
        target: TARGET,
        met,
        ...(total < 100_000 ? { note: `quick run: ${fmt(total)} instances, not 100,000 (judged at this scale)` } : {}),
        cells: { ours: `${mb(rssStart)} MB, p99 ${fmt(p99, 2)} ms` },
      };
    } finally {
      await stopServer(server);
      removeDb(file);
    }
  },
};
