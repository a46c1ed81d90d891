/**
 * Several engine nodes on one PostgreSQL database, racing for the same instances: the test's node
 * and a peer node in a worker thread (its own thread, so the two nodes' transactions overlap)
 * start the same kind of command on the same instances at one moment. Each race must end as if
 * the commands had run one after the other: the revision check turns the loser's stale view into a
 * conflict, and the command loop re-runs it against the winner's committed state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine } from '../../src/runtime/engine.js';
import { ExternalTaskService } from '../../src/runtime/external-tasks.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';
import { startPeer, soon, until, type Peer } from './multi-node-harness.js';

const bpmn = (name: string) => readFileSync(`test/fixtures/bpmn/${name}`, 'utf8');
const INSTANCES = 20;

describe.skipIf(!postgresBinaries())('several engine nodes racing on one PostgreSQL', () => {
  let cluster: ThrowawayCluster;
  let a: Engine;
  let peer: Peer;

  beforeAll(async () => {
    cluster = startThrowawayCluster();
    const url = `${cluster.url}?schema=races`;
    a = await Engine.open({ database: url, heartbeatInterval: 500 });
    peer = await startPeer(url);
  }, 60_000);

  afterAll(async () => {
    await peer?.close();
    await a?.close();
    cluster?.stop();
  });

  it('a parallel join completed on both nodes at the same moment fires once per instance, after retries', async () => {
    await a.deploy({ resources: [{ name: 'parallel.bpmn', content: bpmn('parallel.c7.bpmn') }] });
    const instances = await Promise.all(Array.from({ length: INSTANCES }, () => a.start('ParallelC7')));
    const tasks = new ExternalTaskService(a);
    const lock = (topic: string) => tasks.fetchAndLock({ workerId: 'w', maxTasks: 100, topics: [{ topicName: topic, lockDuration: 60_000 }] });
    const [onA, onB, onC] = [await lock('a'), await lock('b'), await lock('c')];
    expect([onA.length, onB.length, onC.length]).toEqual([INSTANCES, INSTANCES, INSTANCES]);
    // the first branch of every instance ends on the peer: it has loaded the definition and its statements before the race
    const warmUp = await peer.run(onA.map((t) => ({ op: 'completeExternal' as const, id: t.job.id, workerId: 'w' })));
    expect(warmUp.filter((r) => !r.ok)).toEqual([]);
    const peerRetriesBefore = ((await peer.run([{ op: 'stats' }]))[0] as { value: { conflictRetries: number } }).value.conflictRetries;
    const retriesBefore = a.conflictRetries;

    // the last two branches of every instance arrive at the join at once: b here, c on the peer
    const at = soon();
    const [peerReplies, localReplies] = await Promise.all([
      peer.run(onC.map((t) => ({ op: 'completeExternal' as const, id: t.job.id, workerId: 'w' })), at),
      until(at).then(() => Promise.allSettled(onB.map((t) => tasks.complete(t.job.id, 'w')))),
    ]);
    expect(peerReplies.filter((r) => !r.ok)).toEqual([]);
    expect(localReplies.filter((r) => r.status === 'rejected')).toEqual([]);

    for (const instance of instances) {
      expect(a.instance(instance.id).state).toBe('completed');
      const history = a.queries.historyOf(instance.id);
      // the join fired once: one token reached the end
      expect(history.filter((h) => h.elementId === 'End' && h.kind === 'activityCompleted')).toHaveLength(1);
      expect(history.filter((h) => h.kind === 'instanceCompleted')).toHaveLength(1);
    }
    const peerRetries = ((await peer.run([{ op: 'stats' }]))[0] as { value: { conflictRetries: number } }).value.conflictRetries;
    // the race really happened: some completion lost to the other node and ran again
    expect(a.conflictRetries - retriesBefore + peerRetries - peerRetriesBefore).toBeGreaterThan(0);
    tasks.close();
  }, 60_000);
});
