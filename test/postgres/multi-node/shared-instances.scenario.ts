import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, callsByJob, startMultiNodeCluster, waitFor, type MultiNodeCluster } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

/** the issue asks for 10,000; MLC_MULTINODE_INSTANCES lowers it on a slow machine */
const INSTANCES = Number(process.env.MLC_MULTINODE_INSTANCES ?? 10_000);
/** the competing run: instances started on one node only, more than its handlers can hold */
const COMPETING = Math.ceil(INSTANCES / 5);

describe.skipIf(!postgresBinaries())('two engine nodes (separate OS processes) on one PostgreSQL', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('shared_instances');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it(`share ${INSTANCES} start → service task → end instances: each ends exactly once, one handler call each, nothing left behind`, async () => {
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], handle: ['work'] });
    const b = await cluster.spawn({ name: 'B', handle: ['work'] });
    const began = Date.now();
    const half = Math.floor(INSTANCES / 2);
    const [startedOnA, startedOnB] = await Promise.all([a.start('ServiceTaskC7', half, 'a-'), b.start('ServiceTaskC7', INSTANCES - half, 'b-')]);
    expect(startedOnA + startedOnB).toBe(INSTANCES);
    await waitFor('every instance to end', () => allFinished(cluster), 240_000, 250, () => progress(cluster));
    const seconds = (Date.now() - began) / 1000;

    expect(await ledger(cluster, ['Task_Work', 'End'])).toEqual(cleanLedger(INSTANCES, ['Task_Work', 'End']));

    // no crash, so no handler call is repeated: one call per job, one job per instance
    const calls = cluster.calls().filter((line) => line.kind === 'call');
    const byJob = callsByJob(calls);
    expect(calls).toHaveLength(INSTANCES);
    expect(byJob.size).toBe(INSTANCES);
    expect(new Set(calls.map((call) => call.instanceId)).size).toBe(INSTANCES);
    expect(calls.every((call) => call.key === call.jobId && call.attempt === 1)).toBe(true);
    const instanceIds = (await cluster.query<{ id: string }>('SELECT id FROM instances')).map((row) => row.id);
    expect(new Set(calls.map((call) => call.instanceId))).toEqual(new Set(instanceIds));

    // both nodes did work
    const perNode = { A: calls.filter((call) => call.node === 'A').length, B: calls.filter((call) => call.node === 'B').length };
    expect(perNode.A).toBeGreaterThan(0);
    expect(perNode.B).toBeGreaterThan(0);
    console.log(`multi-node share: ${INSTANCES} instances on 2 nodes in ${seconds.toFixed(1)} s (${(INSTANCES / seconds).toFixed(0)} inst/s); handler calls A=${perNode.A} B=${perNode.B}`);
  }, 300_000);
});

describe.skipIf(!postgresBinaries())('two engine nodes competing for the same waiting jobs', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('competing_nodes');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it(`${COMPETING} jobs waiting before either node handles their topic: both acquire from the same queue, each job runs once`, async () => {
    // a node locks the jobs it creates for topics it handles; with no handler yet they wait unlocked,
    // so both nodes acquire from one queue (FOR UPDATE SKIP LOCKED), a few jobs at a time
    const options = { maxConcurrentHandlers: 32 };
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], options });
    const b = await cluster.spawn({ name: 'B', options });
    expect(await a.start('ServiceTaskC7', COMPETING, 'c-')).toBe(COMPETING);
    expect(await cluster.scalar('SELECT count(*) FROM jobs WHERE lock_owner IS NULL')).toBe(COMPETING);
    const began = Date.now();
    await Promise.all([a.handle('work', 5), b.handle('work', 5)]);
    await waitFor('every instance to end', () => allFinished(cluster), 240_000, 250, () => progress(cluster));
    const seconds = (Date.now() - began) / 1000;

    expect(await ledger(cluster, ['Task_Work', 'End'])).toEqual(cleanLedger(COMPETING, ['Task_Work', 'End']));
    const calls = cluster.calls().filter((line) => line.kind === 'call');
    expect(calls).toHaveLength(COMPETING);
    expect(callsByJob(calls).size).toBe(COMPETING);
    const perNode = { A: calls.filter((call) => call.node === 'A').length, B: calls.filter((call) => call.node === 'B').length };
    expect(perNode.A).toBeGreaterThan(0);
    expect(perNode.B).toBeGreaterThan(0);
    console.log(`multi-node competing: ${COMPETING} waiting jobs run in ${seconds.toFixed(1)} s; handler calls A=${perNode.A} B=${perNode.B}`);
  }, 300_000);
});
