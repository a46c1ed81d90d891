/**
 * Our side of a scenario alone, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts [simple|parallel|full-sync] [instances]
 * then `npx tsx bench/lib/profile-summary.ts /tmp/prof/<file>.cpuprofile`.
 */
import { simpleXml, parallelXml } from './lib/bpmn.js';
import { openOurs, loadOurs } from './lib/ours.js';
import { cleanupAll } from './lib/files.js';
import { fmt } from './lib/report.js';

process.env.MLC_LOG_LEVEL ??= 'silent';
const which = process.argv[2] ?? 'simple';
const total = Number(process.argv[3] ?? 20_000);
const parallel = which === 'parallel';
const run = await openOurs('profile', { synchronous: which === 'full-sync' ? 'FULL' : 'NORMAL' });
try {
  for (const topic of parallel ? ['a', 'b', 'c'] : ['work']) run.engine.handle(topic, () => ({}));
  await run.engine.deploy({ name: 'bench', resources: [{ name: 'p.bpmn', content: parallel ? parallelXml() : simpleXml('ours') }] });
  const key = parallel ? 'BenchParallel' : 'BenchSimple';
  const result = await loadOurs(run, key, total, 100, 120_000, { ok: true });
  console.log(`${which}: ${fmt(result.perSecond)} instances/s (${result.completed} in ${fmt(result.elapsedMs)} ms)`);
} finally {
  await run.close();
  cleanupAll();
}
