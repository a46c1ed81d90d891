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
import { startPeer, soon, until, eventually, type Peer } from './multi-node-harness.js';
import type { AddressInfo } from 'node:net';
import { createServerApp } from '../../src/http/app.js';

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

  it('a user task completed on both nodes at once: one completion wins, the other gets a clear error', async () => {
    await a.deploy({ resources: [{ name: 'user-task.bpmn', content: bpmn('user-task.c7.bpmn') }] });
    const instances = await Promise.all(Array.from({ length: INSTANCES }, () => a.start('UserTaskC7', { variables: { reviewer: 'ann', dueDate: null } })));
    const taskIds = instances.map((instance) => a.queries.tasks({ processInstanceId: instance.id, maxResults: 10 })[0]!.id);
    const at = soon();
    const [peerReplies, localReplies] = await Promise.all([
      peer.run(taskIds.map((id) => ({ op: 'completeTask' as const, id })), at),
      until(at).then(() => Promise.allSettled(taskIds.map((id) => a.completeTask(id)))),
    ]);
    for (let i = 0; i < INSTANCES; i++) {
      const wins = [peerReplies[i]!.ok, localReplies[i]!.status === 'fulfilled'].filter(Boolean);
      expect(wins).toHaveLength(1);
      const loser = peerReplies[i]!.ok ? (localReplies[i] as PromiseRejectedResult).reason as Error : (peerReplies[i] as { error: Error }).error;
      // the loser ran again after the winner's commit and found the task gone
      expect(loser.message).toMatch(/task|changed by another engine node/i);
      const history = a.queries.historyOf(instances[i]!.id);
      expect(history.filter((h) => h.kind === 'taskCompleted')).toHaveLength(1);
      expect(history.filter((h) => h.kind === 'instanceCompleted')).toHaveLength(1);
    }
  }, 60_000);

  it('a message correlated on both nodes at once is consumed once', async () => {
    await a.deploy({ resources: [{ name: 'message-catch.bpmn', content: bpmn('message-catch.c7.bpmn') }] });
    const keys = Array.from({ length: INSTANCES }, (_, i) => `order-${i}`);
    const instances = await Promise.all(keys.map((businessKey) => a.start('MessageCatchC7', { businessKey })));
    const at = soon();
    const [peerReplies, localReplies] = await Promise.all([
      peer.run(keys.map((businessKey) => ({ op: 'correlate' as const, messageName: 'MODEL_APPROVED', businessKey })), at),
      until(at).then(() => Promise.allSettled(keys.map((businessKey) => a.correlateMessage({ messageName: 'MODEL_APPROVED', businessKey })))),
    ]);
    for (let i = 0; i < INSTANCES; i++) {
      const wins = [peerReplies[i]!.ok, localReplies[i]!.status === 'fulfilled'].filter(Boolean);
      expect(wins).toHaveLength(1);
      const loser = peerReplies[i]!.ok ? (localReplies[i] as PromiseRejectedResult).reason as Error & { type?: string } : (peerReplies[i] as { error: { type?: string } }).error;
      expect(['MismatchingMessageCorrelationException', 'OptimisticLockingException']).toContain(loser.type);
      const history = a.queries.historyOf(instances[i]!.id);
      expect(history.filter((h) => h.kind === 'messageCorrelated')).toHaveLength(1);
      expect(history.filter((h) => h.elementId === 'End' && h.kind === 'activityCompleted')).toHaveLength(1);
    }
  }, 60_000);

  it('one process deployed on both nodes at once gets two versions, never one twice; the same file deployed twice at once is stored once', async () => {
    const xml = bpmn('service-task.c7.bpmn');
    for (let round = 0; round < 5; round++) {
      const at = soon();
      const [peerReplies, local] = await Promise.all([
        peer.run([{ op: 'deploy', name: 'service-task.bpmn', xml, duplicateFiltering: false }], at),
        until(at).then(() => a.deploy({ resources: [{ name: 'service-task.bpmn', content: xml }], duplicateFiltering: false })),
      ]);
      expect(peerReplies[0]!.ok).toBe(true);
      const peerVersion = ((peerReplies[0] as { value: { definitions: Array<{ version: number }> } }).value).definitions[0]!.version;
      expect(new Set([peerVersion, local.definitions![0]!.version]).size).toBe(2);
    }
    const versions = () => a.queries.definitions({ key: 'ServiceTaskC7', maxResults: 100 }).map((d) => d.version).sort((x, y) => x - y);
    expect(versions()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // duplicate filtering (the default) sees the other node's deployment of the same file
    const changed = xml.replace('name="Do work"', 'name="Do more work"');
    const at = soon();
    const [peerReplies, local] = await Promise.all([
      peer.run([{ op: 'deploy', name: 'service-task.bpmn', xml: changed }], at),
      until(at).then(() => a.deploy({ resources: [{ name: 'service-task.bpmn', content: changed }] })),
    ]);
    const peerDefinitions = (peerReplies[0] as { value: { definitions: unknown[] | null } }).value.definitions;
    expect([peerDefinitions, local.definitions].filter((d) => d !== null)).toHaveLength(1);
    expect(versions()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  }, 60_000);

  it('workers fetching on both nodes at once never get the same external task', async () => {
    const many = INSTANCES * 5;
    await Promise.all(Array.from({ length: many }, () => a.start('ServiceTaskC7')));
    const request = { workerId: 'w', maxTasks: 7, topics: [{ topicName: 'work', lockDuration: 60_000 }] };
    const tasks = new ExternalTaskService(a);
    const onPeer: string[] = [];
    const onA: string[] = [];
    for (let round = 0; onPeer.length + onA.length < many && round < 100; round++) {
      const at = soon(50);
      const [peerReplies, local] = await Promise.all([
        peer.run([{ op: 'fetchAndLock', request }, { op: 'fetchAndLock', request }], at),
        until(at).then(() => Promise.all([tasks.fetchAndLock(request), tasks.fetchAndLock(request)])),
      ]);
      for (const reply of peerReplies) onPeer.push(...((reply as { value: string[] }).value));
      for (const locked of local) onA.push(...locked.map((t) => t.job.id));
    }
    tasks.close();
    const all = [...onPeer, ...onA];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(many);
    expect(onPeer.length).toBeGreaterThan(0);
    expect(onA.length).toBeGreaterThan(0);
  }, 60_000);

  it('Camunda 8 messages published on one node while subscriptions open on the other are each consumed once, none left waiting', async () => {
    await a.deploy({ resources: [{ name: 'message-catch.c8.bpmn', content: bpmn('message-catch.c8.bpmn') }] });
    const app = createServerApp(a, { requestLogs: false });
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/messages/publication`;
      const keys = Array.from({ length: INSTANCES }, (_, i) => `model-${i}`);
      const at = soon();
      const [started, published] = await Promise.all([
        peer.run(keys.map((modelId) => ({ op: 'start' as const, key: 'MessageCatchC8', variables: { modelId } })), at),
        until(at).then(() => Promise.all(keys.map((correlationKey) => fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'MODEL_APPROVED', correlationKey, timeToLive: 60_000 }),
        })))),
      ]);
      expect(published.map((r) => r.status)).toEqual(keys.map(() => 200));
      expect(started.filter((r) => !r.ok)).toEqual([]);
      const ids = started.map((r) => (r as { value: string }).value);
      // a message either met its subscription or was buffered and taken when the subscription opened
      await eventually(() => ids.every((id) => a.instance(id).state === 'completed'), 15_000);
      for (const id of ids) {
        expect(a.queries.historyOf(id).filter((h) => h.kind === 'messageCorrelated')).toHaveLength(1);
      }
    } finally {
      app.closeRest();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  }, 60_000);
});
