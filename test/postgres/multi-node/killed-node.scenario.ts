import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, callsByJob, fastFailover, startMultiNodeCluster, waitFor, type MultiNodeCluster } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

const INSTANCES = Number(process.env.MLC_MULTINODE_INSTANCES ?? 10_000);
/**
 * The lock a node holds on a job it runs: longer than the run, so the jobs of the killed node are
 * freed by its stale heartbeat (nodeGrace), not by lock expiry. The grace is short, but long enough
 * that a live node on a loaded machine is not taken for dead.
 */
const LOCK_MS = 120_000;
const NODE_GRACE_MS = 5000;
/** each handler call on B takes this long; on A (8 at a time) much longer, so A is always inside some when killed */
const HANDLER_MS = 200;
const SLOW_HANDLER_MS = 2000;

describe.skipIf(!postgresBinaries())('a node killed with SIGKILL mid-run', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('killed_node');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('the other node takes over its jobs and everything completes; only jobs the dead node held run twice, with the same idempotency key', async () => {
    // A runs few handlers at a time, slower than it starts instances: it piles up jobs it locked
    // at creation (queued in memory; their locks outlast the run) and is inside handlers when the kill lands
    const options = fastFailover(LOCK_MS, NODE_GRACE_MS / 5);
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], handle: ['work'], handlerDelayMs: SLOW_HANDLER_MS, options: { ...options, maxConcurrentHandlers: 8 } });
    const b = await cluster.spawn({ name: 'B', handle: ['work'], handlerDelayMs: HANDLER_MS, options });
    const half = Math.floor(INSTANCES / 2);
    expect(await Promise.all([a.start('ServiceTaskC7', half, 'a-'), b.start('ServiceTaskC7', INSTANCES - half, 'b-')])).toEqual([half, INSTANCES - half]);

    await waitFor('A inside handlers', () => {
      const log = cluster.calls();
      const returned = new Set(log.flatMap((line) => (line.kind === 'done' && line.node === 'A' ? [line.jobId] : [])));
      return log.some((line) => line.kind === 'call' && line.node === 'A' && !returned.has(line.jobId));
    }, 30_000, 10);
    await a.kill9();
    const killedAt = Date.now();
    const heldAtKill = await cluster.query<{ owner: string; n: string }>('SELECT lock_owner AS owner, count(*) AS n FROM jobs WHERE lock_owner IS NOT NULL GROUP BY lock_owner');

    await waitFor('every instance to end after the kill', () => allFinished(cluster), 240_000, 250, () => progress(cluster));
    const instances = await cluster.scalar('SELECT count(*) FROM instances');
    expect(await ledger(cluster, ['Task_Work', 'End'])).toEqual(cleanLedger(instances, ['Task_Work', 'End']));

    const log = cluster.calls();
    const startedOnA = new Set(log.flatMap((line) => (line.kind === 'started' && line.node === 'A' ? [line.instanceId] : [])));
    expect(startedOnA.size).toBe(half);

    const byJob = callsByJob(log);
    const done = new Set(log.filter((line) => line.kind === 'done').map((line) => `${line.jobId} ${line.node}`));
    let repeated = 0;
    let takenOver = 0;
    let firstTakeoverMs = Infinity;
    let lastTakeoverMs = 0;
    for (const [jobId, calls] of byJob) {
      // the same idempotency key on every call of a job
      expect(calls.every((call) => call.key === jobId)).toBe(true);
      const byA = calls.filter((call) => call.node === 'A');
      const byB = calls.filter((call) => call.node === 'B');
      // without a crash no node runs a job twice
      expect(byA.length).toBeLessThanOrEqual(1);
      expect(byB.length).toBeLessThanOrEqual(1);
      if (calls.length > 1) {
        repeated++;
        // a repeat only for a job the dead node held: A called it first, B once after the kill
        expect(byA).toHaveLength(1);
        expect(byB).toHaveLength(1);
        expect(byB[0]!.at).toBeGreaterThanOrEqual(killedAt - 50);
      }
      // a job A called but never returned from was taken over by B
      if (byA.length > 0 && !done.has(`${jobId} A`)) {
        takenOver++;
        expect(byB).toHaveLength(1);
        firstTakeoverMs = Math.min(firstTakeoverMs, byB[0]!.at - killedAt);
        lastTakeoverMs = Math.max(lastTakeoverMs, byB[0]!.at - killedAt);
      }
    }
    expect(takenOver).toBeGreaterThan(0); // the kill really landed while A was inside handlers
    // A's instances whose job only B ran: A had locked them at creation and never got to them
    const queuedOnA = [...byJob.values()].filter((calls) => startedOnA.has(calls[0]!.instanceId) && calls.every((call) => call.node === 'B')).length;
    expect(queuedOnA).toBeGreaterThan(0);
    // free for B once A's heartbeat is stale, long before the locks would expire
    expect(lastTakeoverMs).toBeLessThan(LOCK_MS / 2);
    // every instance's job was called at least once
    const calledInstances = new Set(log.flatMap((line) => (line.kind === 'call' ? [line.instanceId] : [])));
    expect(calledInstances.size).toBe(instances);
    console.log(`multi-node kill -9: ${instances} instances; jobs locked at the kill ${heldAtKill.map((row) => `${row.owner}: ${row.n}`).join(', ')}; ` +
      `A's unfinished handler calls taken over by B: ${takenOver}, first after ${firstTakeoverMs} ms, last after ${lastTakeoverMs} ms (node grace ${NODE_GRACE_MS} ms, lock ${LOCK_MS} ms); ` +
      `jobs A had locked but not started, run by B: ${queuedOnA}; jobs called twice: ${repeated}; all done ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
  }, 480_000);
});
