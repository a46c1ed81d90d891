import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, callsByJob, fastFailover, startMultiNodeCluster, waitFor, type MultiNodeCluster } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

const INSTANCES = 10;
const LOCK_MS = 1500;
const HANDLER_MS = 400;

describe.skipIf(!postgresBinaries())('a busy node whose queued jobs outlast their lock', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('lapsed_lock');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  // A node locks the jobs it creates for a topic it handles and queues them in memory
  // (HandlerDispatcher); a queued job whose lock lapsed used to run there anyway, after another node
  // had acquired and run it (7 of 10 jobs twice here). Queued jobs are now relocked before they run.
  it('runs each job once while both nodes are alive', async () => {
    const options = fastFailover(LOCK_MS);
    // one handler slot: A's ten jobs take 4 s in turn, their locks lapse after 1.5 s
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], handle: ['work'], handlerDelayMs: HANDLER_MS, options: { ...options, maxConcurrentHandlers: 1 } });
    await cluster.spawn({ name: 'B', handle: ['work'], options });
    await a.start('ServiceTaskC7', INSTANCES, 'lapse-');
    await waitFor('every instance to end', () => allFinished(cluster), 60_000, 250, () => progress(cluster));
    // A's queue drains after the instances ended: wait for its last handler to return
    await waitFor('A to be idle', () => {
      const log = cluster.calls();
      return log.filter((l) => l.kind === 'call' && l.node === 'A').length === log.filter((l) => l.kind === 'done' && l.node === 'A').length;
    }, 30_000);
    await new Promise((resolve) => setTimeout(resolve, INSTANCES * HANDLER_MS));

    expect(await ledger(cluster, ['Task_Work'])).toEqual(cleanLedger(INSTANCES, ['Task_Work']));
    const repeated = [...callsByJob(cluster.calls()).values()].filter((calls) => calls.length > 1);
    console.log(`multi-node lapsed lock: ${repeated.length} of ${INSTANCES} jobs ran on both nodes (${repeated.map((calls) => calls.map((call) => call.node).join('+')).join(', ')})`);
    expect(repeated).toEqual([]);
  }, 120_000);
});
