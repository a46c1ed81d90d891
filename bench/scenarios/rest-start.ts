/**
 * `rest-start`: `POST /engine-rest/process-definition/key/{k}/start` from 50 concurrent
 * loopback connections (autocannon) against a server process running the `simple` process
 * (its service task handled in-process), bounded to 30 s (quick: 5 s).
 */
import autocannon from 'autocannon';
import { simpleXml } from '../lib/bpmn.js';
import { openOurs } from '../lib/ours.js';
import { removeDb } from '../lib/files.js';
import { spawnServer, stopServer, http } from '../lib/server.js';
import { round } from '../lib/stats.js';
import { fmt, failed, type Scenario } from '../lib/report.js';

const TARGET = '≥ 3,000 req/s, 0 errors, p99 ≤ 50 ms';
const BODY = JSON.stringify({ variables: { ok: { value: true, type: 'Boolean' } } });

export const restStart: Scenario = {
  name: 'rest-start',
  async run(ctx) {
    const duration = ctx.quick ? 5 : 30;
    const run = await openOurs('rest');
    const file = run.file;
    try {
      await run.engine.deploy({ name: 'bench', resources: [{ name: 'simple.bpmn', content: simpleXml('ours') }] });
    } finally {
      await run.close(true);
    }
    const server = spawnServer(['--db', file, '--handle', 'work']);
    try {
      let port: number;
      try {
        port = (await server.ready).port;
      } catch (error) {
        return failed(TARGET, `REST not available: ${error instanceof Error ? error.message : String(error)}`);
      }
      const path = '/engine-rest/process-definition/key/BenchSimple/start';
      const probe = await http(port, 'POST', path, JSON.parse(BODY));
      if (probe.status !== 200) return failed(TARGET, `REST start answered ${probe.status}: ${probe.body.slice(0, 200)}`);
      const options = {
        url: `http://127.0.0.1:${port}${path}`,
        method: 'POST' as const,
        headers: { 'content-type': 'application/json' },
        body: BODY,
        connections: 50,
      };
      await autocannon({ ...options, duration: 1 }); // warm-up
      const result = await autocannon({ ...options, duration });
      const errors = result.errors + result.timeouts + result.non2xx;
      const rps = result.requests.average;
      const p99 = result.latency.p99;
      ctx.log(`${fmt(rps)} req/s, p99 ${fmt(p99)} ms, ${errors} errors`);
      return {
        ours: {
          connections: 50,
          duration_s: duration,
          requests: result.requests.total,
          requests_per_s: round(rps, 1),
          latency_p50_ms: result.latency.p50,
          latency_p99_ms: p99,
          latency_max_ms: result.latency.max,
          errors: result.errors,
          timeouts: result.timeouts,
          non_2xx: result.non2xx,
        },
        peer: null,
        floor: null,
        ratio_vs_peer: null,
        ratio_vs_floor: null,
        target: TARGET,
        met: rps >= 3000 && errors === 0 && p99 <= 50,
        cells: { ours: `${fmt(rps)} req/s, p99 ${fmt(p99)} ms, ${errors} err` },
      };
    } finally {
      await stopServer(server);
      removeDb(file);
    }
  },
};
