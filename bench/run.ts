/**
 * `npm run bench [-- --quick] [-- --only simple,parallel]`: every scenario for our engine, for
 * bpmn-engine and for the raw SQLite floor, in one process run, then `postgres` (1–3 engine nodes on
 * a throwaway PostgreSQL beside pgbench; skipped with one line without PostgreSQL's binaries);
 * prints a table and writes bench/results.json. Temporary databases live under os.tmpdir() and are removed at the end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cleanupAll } from './lib/files.js';
import { failed, printTable, writeResults, type Scenario, type ScenarioOutcome } from './lib/report.js';
import { peerVersion } from './lib/peer.js';
import { now } from './lib/stats.js';
import { prepareChild } from './lib/server.js';
import { deploy1000 } from './scenarios/deploy-1000.js';
import { simple } from './scenarios/simple.js';
import { simpleFullSync } from './scenarios/simple-full-sync.js';
import { parallel } from './scenarios/parallel.js';
import { restStart } from './scenarios/rest-start.js';
import { waiting100k } from './scenarios/waiting-100k.js';
import { timers10k } from './scenarios/timers-10k.js';
import { recovery } from './scenarios/recovery.js';
import { dmn20Rules } from './scenarios/dmn-20-rules.js';
import { postgres } from './postgres.js';

const scenarios: Scenario[] = [deploy1000, simple, simpleFullSync, parallel, restStart, waiting100k, timers10k, recovery, dmn20Rules, postgres];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex === -1 ? null : new Set((args[onlyIndex + 1] ?? '').split(',').filter(Boolean));
const resultsFile = fileURLToPath(new URL('./results.json', import.meta.url));

process.env.MLC_LOG_LEVEL ??= 'silent';

async function main(): Promise<void> {
  const selected = scenarios.filter((s) => !only || only.has(s.name));
  if (only && selected.length !== only.size) {
    const unknown = [...only].filter((name) => !scenarios.some((s) => s.name === name));
    throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  }
  const childMode = await prepareChild();
  console.log(`mlc-engine bench (${quick ? 'quick' : 'full'}), node ${process.version}, bpmn-engine ${peerVersion()}, server child: ${childMode}`);
  const loadStart = loadavg()[0]!;
  if (loadStart > cpus().length * 0.5) {
    console.log(`warning: load average ${loadStart.toFixed(1)} on ${cpus().length} cores before the run; other processes will distort the figures`);
  }
  const results: Array<[string, ScenarioOutcome]> = [];
  const started = now();
  for (const scenario of selected) {
    const skipped = scenario.skipReason?.();
    if (skipped) {
      console.log(`\n▶ ${scenario.name}: skipped (${skipped})`);
      continue;
    }
    const t = now();
    console.log(`\n▶ ${scenario.name}`);
    let outcome: ScenarioOutcome;
    try {
      outcome = await scenario.run({ quick, log: (message) => console.log(`  ${message}`) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(`  failed: ${message}`);
      outcome = failed('see note', `scenario failed: ${message}`);
    }
    console.log(`  (${((now() - t) / 1000).toFixed(1)} s)`);
    results.push([scenario.name, outcome]);
  }
  console.log(`\n${printTable(results)}\n`);
  console.log(`total ${((now() - started) / 1000).toFixed(1)} s`);
  // with --only, keep the other scenarios of a previous run of the same kind
  let merged = results;
  if (only && existsSync(resultsFile)) {
    try {
      const previous = JSON.parse(readFileSync(resultsFile, 'utf8'));
      if (previous.quick === quick && previous.scenarios) {
        const kept = Object.entries(previous.scenarios as Record<string, ScenarioOutcome>)
          .filter(([name]) => !only.has(name))
          .map(([name, r]) => [name, { ...r, cells: { ours: '' } }] as [string, ScenarioOutcome]);
        merged = [...kept, ...results].sort((a, b) => scenarios.findIndex((s) => s.name === a[0]) - scenarios.findIndex((s) => s.name === b[0]));
      }
    } catch {
      // an unreadable previous file is simply replaced
    }
  }
  writeResults(resultsFile, quick, merged, { peer: `bpmn-engine@${peerVersion()}`, load_average_1m: { start: Math.round(loadStart * 100) / 100, end: Math.round(loadavg()[0]! * 100) / 100 },
    server_child: childMode === 'compiled' ? 'compiled JavaScript (esbuild bundle of src, packages from node_modules)' : 'tsx' });
  console.log(`wrote ${resultsFile}`);
}

const cleanup = () => cleanupAll();
process.on('exit', cleanup);
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
