/**
 * What one instance of `simple` or `parallel` costs our engine, measured after a warm-up, in
 * figures that a loaded machine distorts less than instances per second:
 *   npx tsx bench/cost.ts [simple|parallel] [instances] [--allocations]
 * CPU µs per instance (user + system, this process), and with --allocations the bytes allocated
 * per instance by the biggest allocating functions (V8's sampling heap profiler, collected objects
 * included). Compare two versions by alternating runs of each.
 */
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { simpleXml, parallelXml } from './lib/bpmn.js';
import { openOurs, loadOurs } from './lib/ours.js';
import { cleanupAll } from './lib/files.js';

interface ProfileNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: ProfileNode[];
}

process.env.MLC_LOG_LEVEL ??= 'silent';
const which = process.argv[2] ?? 'simple';
const total = Number(process.argv[3] ?? 20_000);
const allocations = process.argv.includes('--allocations');
const parallel = which === 'parallel';
const key = parallel ? 'BenchParallel' : 'BenchSimple';
// the variables bench/scenarios give each instance
const variables = parallel ? {} : { ok: true };
const run = await openOurs('cost');
const session = new Session();
try {
  for (const topic of parallel ? ['a', 'b', 'c'] : ['work']) run.engine.handle(topic, () => ({}));
  await run.engine.deploy({ name: 'bench', resources: [{ name: 'p.bpmn', content: parallel ? parallelXml() : simpleXml('ours') }] });
  await loadOurs(run, key, 3000, 100, 120_000, variables);
  if (allocations) {
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  const before = process.cpuUsage();
  const result = await loadOurs(run, key, total, 100, 120_000, variables);
  const cpu = process.cpuUsage(before);
  console.log(`${which}: ${((cpu.user + cpu.system) / total).toFixed(0)} CPU µs per instance (user ${(cpu.user / total).toFixed(0)}, system ${(cpu.system / total).toFixed(0)}), ${result.perSecond.toFixed(0)} instances/s, load average ${loadavg()[0]!.toFixed(2)}`);
  if (allocations) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    const bySite = new Map<string, number>();
    let bytes = 0;
    const walk = (node: ProfileNode) => {
      bytes += node.selfSize;
      const site = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*?\/(src|bench|node_modules)\//, '$1/')}`;
      bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      node.children.forEach(walk);
    };
    walk(profile.head as ProfileNode);
    console.log(`${(bytes / total / 1024).toFixed(1)} KB allocated per instance; the biggest allocators (bytes per instance):`);
    for (const [site, n] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(n / total).toFixed(0).padStart(7)}  ${site}`);
  }
} finally {
  session.disconnect();
  await run.close();
  cleanupAll();
}
