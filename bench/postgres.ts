/**
 * `postgres`: the `simple` process on 1, 2 and 3 engine nodes (separate OS processes) sharing one
 * PostgreSQL database, beside PostgreSQL's own ceiling on the same cluster (pgbench, one INSERT
 * and one UPDATE per transaction, as many clients as nodes). Runs once with asynchronous commit
 * (the counterpart of SQLite's synchronous=NORMAL) and, in the full run, once durable.
 * Skipped when PostgreSQL's server binaries are not installed.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { postgresBinaries, psql, startThrowawayCluster } from '../test/postgres/throwaway-cluster.js';
import { CEILING_DATABASE, pgbenchCeiling, prepareCeiling, type CeilingResult } from './postgres-ceiling.js';
import { driverLoop } from './postgres-driver-loop.js';
import { runNodes, type NodesRunResult } from './postgres-nodes-run.js';
import { round } from './lib/stats.js';
import { fmt, type Scenario, type ScenarioContext, type ScenarioOutcome } from './lib/report.js';

const NODE_COUNTS = [1, 2, 3];

/** A real server's settings (the test fixture's fsync=off would flatter every figure). */
const SERVER_SETTINGS: Record<string, string> = {
  fsync: 'on',
  full_page_writes: 'on',
  shared_buffers: '256MB',
  max_wal_size: '2GB',
  checkpoint_timeout: '15min',
};

interface Durability {
  name: string;
  synchronousCommit: 'off' | 'on';
  meaning: string;
}

const DURABILITIES: Durability[] = [
  { name: 'async commit', synchronousCommit: 'off', meaning: 'a crash of the server may lose the last ~0.6 s of commits, never corrupts (like SQLite synchronous=NORMAL)' },
  { name: 'durable', synchronousCommit: 'on', meaning: 'every commit is flushed to the WAL on disk before it is acknowledged (like synchronous=FULL)' },
];

interface Row extends NodesRunResult {
  ceiling_clients: number;
  ceiling_transactions_per_s: number;
  of_ceiling: number;
}

interface DurabilityResult {
  durability: string;
  synchronous_commit: 'off' | 'on';
  meaning: string;
  rows: Row[];
  /** the same INSERT + UPDATE transaction through the engine's synchronous driver, one connection */
  driver_loop_transactions_per_s: number;
  /** the same with the driver's pipelined writes (the INSERT and UPDATE do not wait; COMMIT does) */
  driver_loop_pipelined_transactions_per_s: number;
}

function statementStatsAvailable(bin: string): boolean {
  return existsSync(join(bin, '..', 'lib', 'pg_stat_statements.so'));
}

async function measure(durability: Durability, ctx: ScenarioContext, withStats: boolean): Promise<DurabilityResult> {
  const cluster = startThrowawayCluster({
    ...SERVER_SETTINGS,
    synchronous_commit: durability.synchronousCommit,
    ...(withStats ? { shared_preload_libraries: 'pg_stat_statements' } : {}),
  });
  // an interrupted run (Ctrl-C exits through process.exit) must not leave the server running
  const stopOnExit = () => cluster.stop();
  process.on('exit', stopOnExit);
  try {
    if (withStats) psql(cluster, 'CREATE EXTENSION pg_stat_statements');
    prepareCeiling(cluster);
    const loopMs = ctx.quick ? 2_000 : 4_000;
    const loop = driverLoop(cluster.urlOf(CEILING_DATABASE), false, 1_000_000, loopMs);
    const pipelinedLoop = driverLoop(cluster.urlOf(CEILING_DATABASE), true, 1_000_000, loopMs);
    ctx.log(`${durability.name}: the engine's sync driver, raw loop on one connection: ${fmt(loop.perSecond)} transactions/s (INSERT + UPDATE each), ${fmt(pipelinedLoop.perSecond)} with pipelined writes`);
    const rows: Row[] = [];
    for (const nodes of NODE_COUNTS) {
      const run = await runNodes(cluster, {
        nodes,
        durationMs: ctx.quick ? 3_000 : 10_000,
        warmUp: ctx.quick ? 300 : 1_000,
        inFlight: 100,
        statementStats: withStats,
      }, (message) => ctx.log(`${durability.name}: ${message}`));
      const ceiling: CeilingResult = pgbenchCeiling(cluster, nodes, ctx.quick ? 3 : 5);
      ctx.log(`${durability.name}: pgbench -c ${nodes}: ${fmt(ceiling.transactionsPerSecond)} transactions/s (INSERT + UPDATE each, database ${CEILING_DATABASE})`);
      rows.push({
        ...run,
        ceiling_clients: nodes,
        ceiling_transactions_per_s: Math.round(ceiling.transactionsPerSecond),
        of_ceiling: Math.round((run.instances_per_s / ceiling.transactionsPerSecond) * 1000) / 1000,
      });
    }
    return { durability: durability.name, synchronous_commit: durability.synchronousCommit, meaning: durability.meaning, rows,
      driver_loop_transactions_per_s: Math.round(loop.perSecond), driver_loop_pipelined_transactions_per_s: Math.round(pipelinedLoop.perSecond) };
  } finally {
    process.off('exit', stopOnExit);
    cluster.stop();
  }
}

function cores(value: number | null): string {
  return value === null ? '—' : fmt(value, 2);
}

function detailTable(results: DurabilityResult[]): string {
  const header = ['commit', 'nodes', 'inst/s', 'per node', 'pgbench tx/s', 'of pgbench', 'node CPU', 'PG CPU', 'stmts/inst', 'row writes/inst', 'each once'];
  const rows = results.flatMap((r) => r.rows.map((row) => [
    `${r.durability} (synchronous_commit=${r.synchronous_commit})`,
    String(row.nodes),
    fmt(row.instances_per_s),
    fmt(row.per_node_instances_per_s),
    `${fmt(row.ceiling_transactions_per_s)} (-c ${row.ceiling_clients})`,
    `${fmt(row.of_ceiling * 100, 1)}%`,
    cores(row.node_cpu_cores),
    cores(row.postgres_cpu_cores),
    row.statements_per_instance === null ? '—' : fmt(row.statements_per_instance, 2),
    row.row_writes_per_instance === null ? '—' : fmt(row.row_writes_per_instance, 2),
    row.exactly_once ? 'yes' : 'NO',
  ]));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const settings = Object.entries(SERVER_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ');
  const loops = results.map((r) => `the engine's sync driver alone, INSERT + UPDATE per transaction on one connection (${r.durability}): ${fmt(r.driver_loop_transactions_per_s)} tx/s, ${fmt(r.driver_loop_pipelined_transactions_per_s)} tx/s with pipelined writes`);
  return [`postgres (simple, 100 in flight per node; server: ${settings}; CPU in cores busy):`, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ...loops].join('\n');
}

async function run(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const bin = postgresBinaries()!;
  const withStats = statementStatsAvailable(bin);
  if (!withStats) ctx.log('pg_stat_statements is not installed: no statement counts');
  const startedAt = new Date().toISOString();
  const loadStart = loadavg()[0]!;
  const results: DurabilityResult[] = [];
  for (const durability of ctx.quick ? DURABILITIES.slice(0, 1) : DURABILITIES) results.push(await measure(durability, ctx, withStats));
  const first = results[0]!.rows;
  const all = results.flatMap((r) => r.rows);
  const onceEverywhere = all.every((row) => row.exactly_once && row.failed_starts === 0 && row.instances > 0);
  const bad = all.filter((row) => !row.exactly_once || row.failed_starts > 0);
  const oneNode = first[0]!;
  return {
    // its own date and load: `--only postgres` merges this entry into a results file of an older run
    ours: { process: 'simple', in_flight_per_node: 100, measured_at: startedAt, load_average_1m: { start: round(loadStart, 2), end: round(loadavg()[0]!, 2) },
      server_settings: SERVER_SETTINGS, durabilities: results },
    peer: null,
    floor: {
      tool: 'pgbench -M prepared, clients = nodes',
      statements_per_transaction: 2,
      by_clients: Object.fromEntries(first.map((row) => [String(row.ceiling_clients), row.ceiling_transactions_per_s])),
      synchronous_commit: results[0]!.synchronous_commit,
    },
    ratio_vs_peer: null,
    ratio_vs_floor: oneNode.of_ceiling,
    target: 'each instance completes once on 1, 2 and 3 nodes',
    met: onceEverywhere,
    ...(bad.length ? { note: bad.map((row) => `${row.nodes} node(s): ${row.instances} completed, ${row.started_per_node.join('+')} started, ${row.handler_calls} handler calls, ${row.failed_starts} failed starts${row.first_error ? ` (${row.first_error})` : ''}`).join('; ') } : {}),
    cells: {
      ours: `${first.map((row) => fmt(row.instances_per_s)).join(' / ')} inst/s on ${first.map((row) => row.nodes).join('/')} nodes`,
      floor: `${first.map((row) => fmt(row.ceiling_transactions_per_s)).join(' / ')} tx/s (pgbench)`,
      detail: detailTable(results),
    },
  };
}

export const postgres: Scenario = {
  name: 'postgres',
  skipReason: () => (postgresBinaries() ? null : 'PostgreSQL server binaries not found under /usr/lib/postgresql'),
  run,
};
