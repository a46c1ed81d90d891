/**
 * What the shared database says about a finished multi-node run, in one object a test can compare
 * whole: how many instances, how many did not end exactly once, and what was left behind.
 */
import type { MultiNodeCluster } from './cluster-harness.js';

export interface Ledger {
  instances: number;
  /** instances not in state 'completed' */
  unfinished: number;
  /** instances whose history holds other than exactly one 'instanceCompleted' */
  notEndedOnce: number;
  /** instances whose history holds other than exactly one completion of each of `elements` */
  elementsNotCompletedOnce: Record<string, number>;
  jobs: number;
  subscriptions: number;
  elementInstances: number;
  incidents: number;
}

/** Counts the instances with other than exactly one history entry matching `where` (one pass over history). */
function notOnce(where: string): string {
  return `SELECT count(*) FROM instances i
    LEFT JOIN (SELECT instance_id, count(*) AS n FROM history WHERE ${where} GROUP BY instance_id) h ON h.instance_id = i.id
    WHERE coalesce(h.n, 0) <> 1`;
}

export async function ledger(cluster: MultiNodeCluster, elements: string[] = []): Promise<Ledger> {
  const count = (sql: string, params: unknown[] = []) => cluster.scalar(sql, params);
  const elementsNotCompletedOnce: Record<string, number> = {};
  for (const element of elements) {
    elementsNotCompletedOnce[element] = await count(notOnce(`kind = 'activityCompleted' AND element_id = $1`), [element]);
  }
  return {
    instances: await count('SELECT count(*) FROM instances'),
    unfinished: await count(`SELECT count(*) FROM instances WHERE state <> 'completed'`),
    notEndedOnce: await count(notOnce(`kind = 'instanceCompleted'`)),
    elementsNotCompletedOnce,
    jobs: await count('SELECT count(*) FROM jobs'),
    subscriptions: await count('SELECT count(*) FROM subscriptions'),
    elementInstances: await count('SELECT count(*) FROM element_instances'),
    incidents: await count('SELECT count(*) FROM incidents'),
  };
}

/** The ledger of a run where every one of `instances` ended cleanly. */
export function cleanLedger(instances: number, elements: string[] = []): Ledger {
  return {
    instances,
    unfinished: 0,
    notEndedOnce: 0,
    elementsNotCompletedOnce: Object.fromEntries(elements.map((element) => [element, 0])),
    jobs: 0,
    subscriptions: 0,
    elementInstances: 0,
    incidents: 0,
  };
}

/** Resolves once no instance is left running (polls the database; bounded). */
export async function allFinished(cluster: MultiNodeCluster): Promise<boolean> {
  const running = await cluster.scalar(`SELECT count(*) FROM instances WHERE state <> 'completed'`);
  const jobs = await cluster.scalar('SELECT count(*) FROM jobs');
  return running === 0 && jobs === 0;
}

/** One line on how far a run got, for timeout messages: instances, jobs, locks per owner, heartbeat ages. */
export async function progress(cluster: MultiNodeCluster): Promise<string> {
  const instances = await cluster.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM instances GROUP BY state');
  const locks = await cluster.query<{ owner: string | null; n: string }>('SELECT lock_owner AS owner, count(*) AS n FROM jobs GROUP BY lock_owner');
  const nodes = await cluster.query<{ id: string; age: string }>('SELECT id, (extract(epoch from now()) * 1000)::bigint - heartbeat_at AS age FROM nodes').catch(() => []);
  const names = new Map(cluster.nodes.map((node) => [node.engineId, node.name]));
  const name = (id: string | null) => (id === null ? 'unlocked' : names.get(id) ?? id);
  return [
    `instances ${instances.map((row) => `${row.state}=${row.n}`).join(' ') || 'none'}`,
    `jobs ${locks.map((row) => `${name(row.owner)}=${row.n}`).join(' ') || 'none'}`,
    `heartbeat ages ${nodes.map((row) => `${name(row.id)}=${row.age}ms`).join(' ') || 'none'}`,
  ].join('; ');
}
