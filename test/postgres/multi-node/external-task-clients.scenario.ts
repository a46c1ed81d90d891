import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Client, type Task, type TaskService } from 'camunda-external-task-client-js';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, startMultiNodeCluster, waitFor, type MultiNodeCluster, type NodeProcess } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

const INSTANCES = Number(process.env.MLC_MULTINODE_EXTERNAL_TASKS ?? 2000);
const LOCK_MS = 30_000;
const WORKERS_PER_NODE = 2;
const WAKE_ROUNDS = 10;
const LONG_POLL_MS = 20_000;
const CLIENT_LONG_POLL_MS = 2000;

/** one task held by one worker: from the handler's start to the end of its complete call */
interface Hold {
  taskId: string;
  instanceId: string;
  worker: string;
  from: number;
  to: number;
}

async function fetchAndLock(node: NodeProcess, workerId: string, asyncResponseTimeout: number): Promise<Array<{ id: string; processInstanceId: string }>> {
  const response = await fetch(`${node.base}/external-task/fetchAndLock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workerId, maxTasks: 1, asyncResponseTimeout, topics: [{ topicName: 'work', lockDuration: LOCK_MS }] }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Array<{ id: string; processInstanceId: string }>;
}

describe.skipIf(!postgresBinaries())('Camunda external-task clients polling two nodes', () => {
  let cluster: MultiNodeCluster;
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('external_tasks');
    a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], http: true });
    b = await cluster.spawn({ name: 'B', http: true });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it(`never hold the same task at once (${INSTANCES} tasks, ${WORKERS_PER_NODE} workers per node)`, async () => {
    const holds: Hold[] = [];
    const failures: string[] = [];
    const clients: Client[] = [];
    for (const node of [a, b]) {
      for (let w = 0; w < WORKERS_PER_NODE; w++) {
        const worker = `${node.name}-worker-${w}`;
        const client = new Client({ baseUrl: node.base, workerId: worker, asyncResponseTimeout: CLIENT_LONG_POLL_MS, interval: 10, lockDuration: LOCK_MS, maxTasks: 20, autoPoll: false });
        client.on('poll:error', (error) => failures.push(`${worker} poll: ${String(error)}`));
        client.subscribe('work', async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
          const from = Date.now();
          try {
            await taskService.complete(task);
          } catch (error) {
            failures.push(`${worker} complete ${task.id}: ${String(error)}`);
          }
          holds.push({ taskId: task.id, instanceId: task.processInstanceId, worker, from, to: Date.now() });
        });
        clients.push(client);
      }
    }
    const began = Date.now();
    const half = Math.floor(INSTANCES / 2);
    await Promise.all([a.start('ServiceTaskC7', half, 'a-'), b.start('ServiceTaskC7', INSTANCES - half, 'b-')]);
    for (const client of clients) client.start();
    try {
      await waitFor('every task to be completed', () => allFinished(cluster), 240_000, 250, () => progress(cluster));
    } finally {
      for (const client of clients) client.stop();
      // a stopped client's last long poll is still parked on a node until its timeout: let it end
      await new Promise((resolve) => setTimeout(resolve, CLIENT_LONG_POLL_MS + 500));
    }
    const seconds = (Date.now() - began) / 1000;

    expect({ failures: failures.length, first: failures.slice(0, 3) }).toEqual({ failures: 0, first: [] });
    expect(await ledger(cluster, ['Task_Work', 'End'])).toEqual(cleanLedger(INSTANCES, ['Task_Work', 'End']));
    // every task was locked once, by one worker: no two workers ever held it, at once or one after the other
    const byTask = new Map<string, Hold[]>();
    for (const hold of holds) byTask.set(hold.taskId, [...(byTask.get(hold.taskId) ?? []), hold]);
    expect(byTask.size).toBe(INSTANCES);
    const shared = [...byTask.values()].filter((list) => list.length > 1);
    const overlapping = shared.filter((list) => list.some((x) => list.some((y) => x !== y && x.from < y.to && y.from < x.to)));
    expect({ overlapping: overlapping.length, first: overlapping.slice(0, 2) }).toEqual({ overlapping: 0, first: [] });
    expect({ lockedTwice: shared.length, first: shared.slice(0, 2) }).toEqual({ lockedTwice: 0, first: [] });
    const perNode = { A: holds.filter((h) => h.worker.startsWith('A-')).length, B: holds.filter((h) => h.worker.startsWith('B-')).length };
    expect(perNode.A).toBeGreaterThan(0);
    expect(perNode.B).toBeGreaterThan(0);
    console.log(`multi-node external tasks: ${INSTANCES} tasks by ${WORKERS_PER_NODE * 2} camunda-external-task-client-js workers in ${seconds.toFixed(1)} s; completed via A ${perNode.A}, via B ${perNode.B}`);
  }, 300_000);

  it('a task created on node A wakes a long poll waiting on node B', async () => {
    expect(await cluster.scalar('SELECT count(*) FROM jobs')).toBe(0);
    const latencies: number[] = [];
    for (let round = 0; round < WAKE_ROUNDS; round++) {
      const polling = fetchAndLock(b, 'waiter', LONG_POLL_MS);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let B park the poll
      await a.start('ServiceTaskC7', 1, `wake-${round}-`);
      const createdAt = Date.now();
      const tasks = await polling;
      latencies.push(Date.now() - createdAt);
      // B answered with the new task, not with an empty list at the end of the long poll
      expect(tasks).toHaveLength(1);
      const instance = await cluster.query<{ business_key: string }>('SELECT business_key FROM instances WHERE id = $1', [tasks[0]!.processInstanceId]);
      expect(instance[0]?.business_key).toBe(`wake-${round}-0`);
      const done = await fetch(`${b.base}/external-task/${tasks[0]!.id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workerId: 'waiter' }) });
      expect(done.status).toBe(204);
    }
    await waitFor('the woken tasks to end', () => allFinished(cluster), 30_000, 250, () => progress(cluster));
    const sorted = [...latencies].sort((x, y) => x - y);
    console.log(`multi-node long-poll wake-up across nodes: ${WAKE_ROUNDS} rounds, ms from commit on A to answer on B: median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)} (long poll ${LONG_POLL_MS} ms)`);
  }, 300_000);
});
