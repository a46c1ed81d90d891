/**
 * SQL statements per instance for `simple` or `parallel` (what the engine executes, counted at
 * better-sqlite3's prepared statements; history is written once per batch, so it shows as a
 * fraction), and the history rows each instance leaves:
 *   npx tsx bench/statements.ts [simple|parallel] [instances]
 */
import Database from 'better-sqlite3';

const counts = new Map<string, number>();
const prepare = Database.prototype.prepare;
Database.prototype.prepare = function countingPrepare(this: Database.Database, sql: string) {
  const statement = prepare.call(this, sql);
  const label = sql.replace(/\s+/g, ' ').slice(0, 100);
  for (const method of ['run', 'get', 'all', 'iterate'] as const) {
    const original = statement[method] as (...args: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = function counted(this: unknown, ...args: unknown[]) {
      const key = `${method} ${label}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  return statement;
} as typeof prepare;

const { simpleXml, parallelXml } = await import('./lib/bpmn.js');
const { openOurs, loadOurs } = await import('./lib/ours.js');
const { cleanupAll } = await import('./lib/files.js');

process.env.MLC_LOG_LEVEL ??= 'silent';
const which = process.argv[2] ?? 'parallel';
const total = Number(process.argv[3] ?? 1000);
const parallel = which === 'parallel';
const run = await openOurs('statements');
try {
  for (const topic of parallel ? ['a', 'b', 'c'] : ['work']) run.engine.handle(topic, () => ({}));
  await run.engine.deploy({ name: 'bench', resources: [{ name: 'p.bpmn', content: parallel ? parallelXml() : simpleXml('ours') }] });
  counts.clear();
  await loadOurs(run, parallel ? 'BenchParallel' : 'BenchSimple', total, 100, 120_000, parallel ? {} : { ok: true });
  let sum = 0;
  for (const [statement, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    sum += n;
    console.log(`${(n / total).toFixed(2).padStart(6)}  ${statement}`);
  }
  console.log(`${(sum / total).toFixed(2).padStart(6)}  statements per instance`);
  const entries = run.engine.db.prepare('SELECT count(*) AS n FROM history').get() as { n: number };
  const rows = run.engine.db.prepare('SELECT (SELECT count(*) FROM history_rows) + (SELECT count(*) FROM history_steps) AS n').get() as { n: number };
  console.log(`${(entries.n / total).toFixed(2).padStart(6)}  history entries per instance, in ${(rows.n / total).toFixed(2)} rows`);
} finally {
  await run.close();
  cleanupAll();
}
