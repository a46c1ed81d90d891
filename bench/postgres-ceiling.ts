/**
 * PostgreSQL's own ceiling for the `postgres` bench: pgbench with a custom script of the raw
 * SQLite floor's transaction (one INSERT and one UPDATE of a fresh row, committed), `clients`
 * connections at once, prepared statements, on the same cluster with the same settings.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresBinaries, psql, type ThrowawayCluster } from '../test/postgres/throwaway-cluster.js';

export const CEILING_DATABASE = 'bench_ceiling';

const SCRIPT = `BEGIN;
INSERT INTO t (id, state, n, at) VALUES (gen_random_uuid()::text, 'active', 0, now()) RETURNING id \\gset
UPDATE t SET state = 'completed', n = n + 1 WHERE id = :id;
END;
`;

export interface CeilingResult {
  clients: number;
  transactions: number;
  transactionsPerSecond: number;
}

export function prepareCeiling(cluster: ThrowawayCluster): void {
  psql(cluster, `CREATE DATABASE ${CEILING_DATABASE}`);
  psql(cluster, 'CREATE TABLE t (id text PRIMARY KEY, state text NOT NULL, n integer NOT NULL, at timestamptz NOT NULL)', CEILING_DATABASE);
}

/** Runs pgbench for `seconds` with `clients` connections (one thread each). */
export function pgbenchCeiling(cluster: ThrowawayCluster, clients: number, seconds: number): CeilingResult {
  const script = join(cluster.socketDir, 'ceiling.sql');
  writeFileSync(script, SCRIPT);
  const result = spawnSync(join(postgresBinaries()!, 'pgbench'),
    ['-h', cluster.socketDir, '-U', 'mlc', '-n', '-M', 'prepared', '-f', script, '-c', String(clients), '-j', String(clients), '-T', String(seconds), CEILING_DATABASE],
    { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout);
  const processed = /number of transactions actually processed: (\d+)/.exec(result.stdout);
  if (!tps || !processed) throw new Error(`pgbench printed no rate: ${result.stdout}`);
  return { clients, transactions: Number(processed[1]), transactionsPerSecond: Number(tps[1]) };
}
