/**
 * Several engine nodes on one PostgreSQL database sharing the job queue: due timers fire once with
 * every node's scheduler running, a dead node's in-process handler jobs are taken over once its
 * heartbeat is stale (and its late completions are refused), and work created on one node wakes a
 * worker's long poll on another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine } from '../../src/runtime/engine.js';
import { ExternalTaskService } from '../../src/runtime/external-tasks.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';
import { eventually, startPeer, type Peer } from './multi-node-harness.js';

const bpmn = (name: string) => readFileSync(`test/fixtures/bpmn/${name}`, 'utf8');

describe.skipIf(!postgresBinaries())('several engine nodes sharing the job queue of one PostgreSQL', () => {
  let cluster: ThrowawayCluster;
  const engines: Engine[] = [];
  const open = async (schema: string) => {
    const engine = await Engine.open({ database: `${cluster.url}?schema=${schema}`, heartbeatInterval: 300 });
    engines.push(engine);
    return engine;
  };

  beforeAll(() => {
    cluster = startThrowawayCluster();
  });

  afterAll(async () => {
    for (const engine of engines) await engine.close();
    cluster?.stop();
  });

  it('due timers fire once each with the schedulers of both nodes running', async () => {
    const a = await open('timers');
    const peer: Peer = await startPeer(`${cluster.url}?schema=timers`, 300);
    try {
      await a.deploy({ resources: [{ name: 'timer.bpmn', content: bpmn('timer-variable.c7.bpmn') }] });
      const instances = await Promise.all(Array.from({ length: 40 }, () => a.start('TimerVariableC7', { variables: { delay: 'PT1S' } })));
      await eventually(() => instances.every((i) => a.instance(i.id).state === 'completed'), 30_000);
      for (const instance of instances) {
        const history = a.queries.historyOf(instance.id);
        expect(history.filter((h) => h.kind === 'timerFired')).toHaveLength(1);
        expect(history.filter((h) => h.elementId === 'End' && h.kind === 'activityCompleted')).toHaveLength(1);
      }
    } finally {
      await peer.close();
    }
  }, 60_000);

  it("a dead node's handler jobs are taken over once its heartbeat is stale; its late completions are refused", async () => {
    const a = await open('takeover');
    const b = await open('takeover');
    await a.deploy({ resources: [{ name: 'service.bpmn', content: bpmn('service-task.c7.bpmn') }] });
    // A takes the jobs and then freezes: its handlers hang and its heartbeat stops
    const hanging: Array<() => void> = [];
    const calledOnA: string[] = [];
    a.handle('work', (job) => {
      calledOnA.push(job.jobId);
      return new Promise<void>((resolve) => hanging.push(resolve));
    });
    const instances = await Promise.all(Array.from({ length: 5 }, () => a.start('ServiceTaskC7')));
    await eventually(() => calledOnA.length === instances.length);
    a.cluster!.heartbeat.stop();

    const calledOnB: string[] = [];
    b.handle('work', async (job) => {
      calledOnB.push(job.jobId);
    });
    await eventually(() => instances.every((i) => b.instance(i.id).state === 'completed'), 20_000);
    // B ran exactly the jobs A held
    expect([...calledOnB].sort()).toEqual([...calledOnA].sort());

    // A wakes up and finishes its work late: refused, nothing runs twice
    for (const resolve of hanging) resolve();
    await a.whenIdle();
    for (const instance of instances) {
      const history = a.queries.historyOf(instance.id);
      expect(history.filter((h) => h.elementId === 'Task_Work' && h.kind === 'activityCompleted')).toHaveLength(1);
      expect(history.filter((h) => h.kind === 'instanceCompleted')).toHaveLength(1);
    }
  }, 60_000);

  it('a node that closes gives its jobs back at once: another node runs them without waiting for a lock or heartbeat to expire', async () => {
    // both count a silent node as alive for a minute
    const a = await Engine.open({ database: `${cluster.url}?schema=handover`, heartbeatInterval: 20_000 });
    const b = await Engine.open({ database: `${cluster.url}?schema=handover`, heartbeatInterval: 20_000 });
    engines.push(b);
    await a.deploy({ resources: [{ name: 'service.bpmn', content: bpmn('service-task.c7.bpmn') }] });
    const calledOnA: string[] = [];
    a.handle('work', (job) => {
      calledOnA.push(job.jobId);
      return new Promise<void>(() => undefined);
    });
    const instances = await Promise.all(Array.from({ length: 3 }, () => a.start('ServiceTaskC7')));
    await eventually(() => calledOnA.length === instances.length);
    await a.close();
    const calledOnB: string[] = [];
    b.handle('work', async (job) => {
      calledOnB.push(job.jobId);
    });
    // A's heartbeat would count for a minute and its locks for five minutes: only the release at close lets B in now
    await eventually(() => instances.every((i) => b.instance(i.id).state === 'completed'), 20_000);
    expect([...calledOnB].sort()).toEqual([...calledOnA].sort());
  }, 60_000);

  it('a job created on one node wakes a long poll waiting on the other', async () => {
    const a = await open('wakeup');
    const b = await open('wakeup');
    const xml = bpmn('service-task.c7.bpmn').replace('camunda:topic="work"', 'camunda:topic="wake"');
    await a.deploy({ resources: [{ name: 'service.bpmn', content: xml }] });
    const workers = new ExternalTaskService(b);
    const received = b.cluster!.received;
    const poll = workers.fetchAndLock({ workerId: 'w', maxTasks: 1, asyncResponseTimeout: 30_000, topics: [{ topicName: 'wake', lockDuration: 10_000 }] });
    await eventually(() => workers.waiting === 1);
    const instance = await a.start('ServiceTaskC7');
    const locked = await poll;
    expect(locked.map((t) => t.job.instanceId)).toEqual([instance.id]);
    // B heard of it from A (a notification), not only from its own polling
    expect(b.cluster!.received).toBeGreaterThan(received);
    workers.close();
  }, 60_000);

  it('wake-ups survive a dropped notification connection: the node connects again and hears the other node', async () => {
    const a = await open('reconnect');
    const b = await open('reconnect');
    const xml = bpmn('service-task.c7.bpmn').replace('camunda:topic="work"', 'camunda:topic="again"');
    await a.deploy({ resources: [{ name: 'service.bpmn', content: xml }] });
    const before = b.cluster!.received;
    // what a server restart or a network cut does to the LISTEN connections
    const killed = a.db.prepare(`SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE query = 'LISTEN mlc_engine'`).get() as { n: number };
    expect(Number(killed.n)).toBeGreaterThanOrEqual(2);
    // connected again: the node looks at everything once
    await eventually(() => b.cluster!.received > before, 20_000);
    const reconnected = b.cluster!.received;
    const workers = new ExternalTaskService(b);
    const poll = workers.fetchAndLock({ workerId: 'w', maxTasks: 1, asyncResponseTimeout: 30_000, topics: [{ topicName: 'again', lockDuration: 10_000 }] });
    await eventually(() => workers.waiting === 1);
    const instance = await a.start('ServiceTaskC7');
    expect((await poll).map((t) => t.job.instanceId)).toEqual([instance.id]);
    await eventually(() => b.cluster!.received > reconnected);
    workers.close();
  }, 60_000);
});
