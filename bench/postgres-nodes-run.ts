/**
 * One measurement of the `postgres` bench: `nodes` engine processes on a fresh database of the
 * cluster run `simple` for a fixed time, then the database is asked what happened: how many
 * instances completed, whether any is left active, how many statements and row writes that took
 * (pg_stat_statements, when the cluster loaded it), and /proc says how much CPU the nodes and
 * PostgreSQL used in the window.
 */
import { join } from 'node:path';
import { psql, type ThrowawayCluster } from '../test/postgres/throwaway-cluster.js';
import { clusterCpuSeconds, cpuSecondsOf, postmasterPid } from './postgres-cpu.js';
import { NodeProcess } from './postgres-node-process.js';
import { now, round, sleep } from './lib/stats.js';

export interface NodesRunOptions {
  nodes: number;
  durationMs: number;
  warmUp: number;
  inFlight: number;
  /** pg_stat_statements is loaded and its extension created in the `postgres` database */
  statementStats: boolean;
}

export interface NodesRunResult {
  nodes: number;
  instances: number;
  seconds: number;
  instances_per_s: number;
  per_node_instances_per_s: number;
  /** instances each node started in the window */
  started_per_node: number[];
  /** instanceEnded events each node saw (it ran the completing step) */
  completed_per_node: number[];
  /** handler calls over all nodes: equal to `instances` when every instance completed once */
  handler_calls: number;
  exactly_once: boolean;
  failed_starts: number;
  node_cpu_cores: number | null;
  postgres_cpu_cores: number | null;
  statements_per_instance: number | null;
  row_writes_per_instance: number | null;
  commits_per_instance: number | null;
  first_error?: string;
}

// the alias keeps the bench's own probes out of the statement counts
const PROBE = `SELECT coalesce(sum((state = 'completed')::int), 0) || ',' || coalesce(sum((state = 'active')::int), 0) || ',' || count(*) AS mlc_bench_probe FROM instances`;

interface InstanceCounts {
  completed: number;
  active: number;
  all: number;
}

function countInstances(cluster: ThrowawayCluster, database: string): InstanceCounts {
  const [completed, active, all] = psql(cluster, PROBE, database).trim().split(',').map(Number);
  return { completed: completed!, active: active!, all: all! };
}

async function waitUntilQuiet(cluster: ThrowawayCluster, database: string, timeoutMs: number): Promise<InstanceCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = countInstances(cluster, database);
    if (counts.active === 0) return counts;
    if (Date.now() > deadline) throw new Error(`${counts.active} instances still active ${timeoutMs} ms after the nodes stopped starting`);
    await sleep(100);
  }
}

interface StatementCounts {
  statements: number;
  rowWrites: number;
  commits: number;
}

/** Statements of `database` since the last reset, from pg_stat_statements (read via the `postgres` database). */
function statementCounts(cluster: ThrowawayCluster, database: string): StatementCounts {
  const json = psql(cluster, `SELECT coalesce(json_agg(json_build_object('q', query, 'c', calls, 'r', rows)), '[]') FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '${database}')`);
  const counts: StatementCounts = { statements: 0, rowWrites: 0, commits: 0 };
  for (const { q, c, r } of JSON.parse(json) as Array<{ q: string; c: number; r: number }>) {
    if (q.includes('mlc_bench_probe')) continue;
    if (/^\s*(commit|end)\b/i.test(q)) counts.commits += c;
    else if (/^\s*(begin|start transaction|rollback|savepoint|release)\b/i.test(q)) continue;
    else {
      counts.statements += c;
      if (/^\s*(insert|update|delete|merge)\b/i.test(q) || (/^\s*with\b/i.test(q) && /\b(insert|update|delete)\b/i.test(q))) counts.rowWrites += r;
    }
  }
  return counts;
}

function cpuSum(pids: number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const seconds = cpuSecondsOf(pid);
    if (seconds === null) return null;
    total += seconds;
  }
  return total;
}

export async function runNodes(cluster: ThrowawayCluster, options: NodesRunOptions, log: (message: string) => void): Promise<NodesRunResult> {
  const database = `bench_n${options.nodes}`;
  psql(cluster, `CREATE DATABASE ${database}`);
  const url = cluster.urlOf(database);
  const nodeArgs = { url, inFlight: options.inFlight, warmUp: options.warmUp, durationMs: options.durationMs };
  const nodes: NodeProcess[] = [];
  try {
    // the first node migrates the schema and deploys; the others open an up-to-date database
    nodes.push(new NodeProcess(0, { ...nodeArgs, deploy: true }));
    await nodes[0]!.next('ready', 120_000);
    for (let i = 1; i < options.nodes; i++) nodes.push(new NodeProcess(i, { ...nodeArgs, deploy: false }));
    await Promise.all(nodes.slice(1).map((node) => node.next('ready', 120_000)));
    for (const node of nodes) node.send('warm');
    await Promise.all(nodes.map((node) => node.next('warmed', 120_000)));
    const before = await waitUntilQuiet(cluster, database, 60_000);

    if (options.statementStats) psql(cluster, 'SELECT pg_stat_statements_reset()');
    const postmaster = postmasterPid(join(cluster.socketDir, 'data'));
    const nodeCpu0 = cpuSum(nodes.map((n) => n.pid));
    const pgCpu0 = postmaster === null ? null : clusterCpuSeconds(postmaster);
    const goAt = Date.now();
    const t0 = now();
    for (const node of nodes) node.send('go');
    const stopped = await Promise.all(nodes.map((node) => node.next('stopped', options.durationMs + 120_000)));
    const after = await waitUntilQuiet(cluster, database, 60_000);
    const pollSeconds = (now() - t0) / 1000;
    const nodeCpu1 = cpuSum(nodes.map((n) => n.pid));
    const pgCpu1 = postmaster === null ? null : clusterCpuSeconds(postmaster);
    const statements = options.statementStats ? statementCounts(cluster, database) : null;

    for (const node of nodes) node.send('exit');
    const closed = await Promise.all(nodes.map((node) => node.next('closed', 60_000)));
    await Promise.all(nodes.map((node) => node.exited(10_000)));

    const instances = after.completed - before.completed;
    // the window ends at the last instanceEnded any node saw (sharper than the 100 ms polls)
    const lastEnded = Math.max(...closed.map((c) => c.lastEndedAt ?? 0));
    const seconds = lastEnded > goAt ? (lastEnded - goAt) / 1000 : pollSeconds;
    const started = stopped.map((s) => s.started);
    const handlerCalls = closed.reduce((s, c) => s + c.handled, 0);
    const failedStarts = stopped.reduce((s, x) => s + x.failed, 0);
    const startedTotal = started.reduce((s, x) => s + x, 0);
    const exactlyOnce = instances === startedTotal && handlerCalls === startedTotal && after.active === 0 && after.all - before.all === startedTotal;
    const perInstance = (n: number) => (instances > 0 ? round(n / instances, 2) : null);
    const cores = (a: number | null, b: number | null) => (a === null || b === null ? null : round((b - a) / pollSeconds, 2));
    const result: NodesRunResult = {
      nodes: options.nodes,
      instances,
      seconds: round(seconds, 2),
      instances_per_s: round(instances / seconds, 1),
      per_node_instances_per_s: round(instances / seconds / options.nodes, 1),
      started_per_node: started,
      completed_per_node: closed.map((c) => c.endedHere),
      handler_calls: handlerCalls,
      exactly_once: exactlyOnce,
      failed_starts: failedStarts,
      node_cpu_cores: cores(nodeCpu0, nodeCpu1),
      postgres_cpu_cores: cores(pgCpu0, pgCpu1),
      statements_per_instance: statements ? perInstance(statements.statements) : null,
      row_writes_per_instance: statements ? perInstance(statements.rowWrites) : null,
      commits_per_instance: statements ? perInstance(statements.commits) : null,
      ...(stopped.find((s) => s.firstError) ? { first_error: stopped.find((s) => s.firstError)!.firstError } : {}),
    };
    log(`${options.nodes} node(s): ${result.instances_per_s} instances/s (${instances} in ${result.seconds} s; started ${started.join('/')}, completed here ${result.completed_per_node.join('/')}, handler calls ${handlerCalls}${exactlyOnce ? ', each once' : ', NOT exactly once'})`);
    return result;
  } finally {
    for (const node of nodes) node.kill();
  }
}
