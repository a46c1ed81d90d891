import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { postgresBinaries } from '../throwaway-cluster.js';
import { BPMN_FIXTURES, callsByJob, fastFailover, startMultiNodeCluster, waitFor, type MultiNodeCluster } from './cluster-harness.js';
import { allFinished, cleanLedger, ledger, progress } from './ledger.js';

const INSTANCES = 5;
const LOCK_MS = 3000;
/** A's handler sleeps this long, so SIGSTOP lands while it holds the job */
const STALL_MS = 1500;

describe.skipIf(!postgresBinaries())('a node stopped (SIGSTOP) past its lock expiry', () => {
  let cluster: MultiNodeCluster;

  beforeAll(async () => {
    cluster = await startMultiNodeCluster('stalled_node');
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('the other node completes its jobs; after SIGCONT its late completion is refused and each instance completes once', async () => {
    // A's handler sleeps less than its timeout, so after SIGCONT its sleep ends first and it returns normally
    const options = fastFailover(LOCK_MS);
    const a = await cluster.spawn({ name: 'A', deploy: [join(BPMN_FIXTURES, 'service-task.c7.bpmn')], handle: ['work'], options, logLevel: 'debug' });
    const b = await cluster.spawn({ name: 'B', options }); // no handler yet, so A gets every job
    await a.start('ServiceTaskC7', INSTANCES, 'stall-', { handlerDelayMs: { A: STALL_MS } });
    await waitFor('A to be inside every handler', () => cluster.calls().filter((line) => line.kind === 'call' && line.node === 'A').length === INSTANCES, 30_000, 10);
    // A's locks, on the database clock (the engine's lock may outlast its handler timeout)
    const lockedUntil = await cluster.scalar('SELECT max(lock_expires_at) FROM jobs');
    a.pause();
    const pausedAt = Date.now();
    expect(cluster.calls().filter((line) => line.kind === 'done')).toHaveLength(0); // A was stopped inside its handlers

    await b.handle('work');
    await waitFor('B to complete every instance while A is stopped', () => allFinished(cluster), LOCK_MS + 20_000, 100, () => progress(cluster));
    const completedAfterMs = Date.now() - pausedAt;
    // A stays stopped past its lock expiry too, whatever freed the jobs first (expiry or stale heartbeat)
    const databaseNow = () => cluster.scalar('SELECT (extract(epoch from now()) * 1000)::bigint');
    await waitFor('A\'s locks to expire while it is stopped', async () => (await databaseNow()) > lockedUntil + 500, 60_000);
    a.resume();

    // A wakes up, its handlers return, and the engine tries to commit the completions it no longer owns
    await waitFor('A\'s handlers to return', () => cluster.calls().filter((line) => line.kind === 'done' && line.node === 'A').length === INSTANCES, 30_000);
    const jobIds = [...callsByJob(cluster.calls()).keys()];
    const refusals = await waitFor('A to log every refused completion', () => {
      const refused = a.engineLog().filter((entry) => jobIds.includes(entry.jobId as string) && (entry.level as number) >= 40);
      return new Set(refused.map((entry) => entry.jobId)).size === INSTANCES ? refused : undefined;
    }, 30_000);

    // each instance completed once, by B; A's late completion changed nothing
    expect(await ledger(cluster, ['Task_Work', 'End'])).toEqual(cleanLedger(INSTANCES, ['Task_Work', 'End']));
    const byJob = callsByJob(cluster.calls());
    expect(byJob.size).toBe(INSTANCES);
    for (const [jobId, calls] of byJob) {
      expect(calls.map((call) => call.node)).toEqual(['A', 'B']);
      expect(calls.every((call) => call.key === jobId)).toBe(true);
    }
    // the handler result recorded is B's: A's late result was not applied
    const results = (await cluster.query<{ data: string }>(`SELECT data FROM history WHERE kind = 'variableSet'`))
      .map((row) => JSON.parse(row.data) as { name: string; value: string })
      .filter((entry) => entry.name === 'workDoneBy');
    expect(results.map((entry) => entry.value.replaceAll('"', ''))).toEqual(Array(INSTANCES).fill('B'));
    expect(a.alive).toBe(true);
    console.log(`multi-node SIGSTOP: B completed ${INSTANCES} jobs ${completedAfterMs} ms after A stopped (handler timeout ${LOCK_MS} ms, locked until ${lockedUntil - pausedAt} ms after the pause by the test's clock); A's refusals: ${JSON.stringify([...new Set(refusals.map((entry) => `${entry.level} ${entry.msg}: ${String(entry.err ?? '').replace(entry.jobId as string, '<job>')}`))])}`);
  }, 180_000);
});
