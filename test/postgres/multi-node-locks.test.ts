/**
 * Job locks held by several engine nodes on one PostgreSQL database: a handler job that waited in
 * a node's queue past its lock is not run there once another node took it over, and a node never
 * counts its own locks as a dead node's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Engine, type EngineOptions } from '../../src/runtime/engine.js';
import { postgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';
import { eventually } from './multi-node-harness.js';

const bpmn = (name: string) => readFileSync(`test/fixtures/bpmn/${name}`, 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!postgresBinaries())('job locks of several engine nodes', () => {
  let cluster: ThrowawayCluster;
  const engines: Engine[] = [];
  const open = async (schema: string, options: Partial<EngineOptions> = {}) => {
    const engine = await Engine.open({ database: `${cluster.url}?schema=${schema}`, heartbeatInterval: 300, ...options });
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

  it('a queued job whose lock lapsed while it waited for a slot is not run again after another node ran it', async () => {
    // A runs one handler at a time for 1 s and locks for 1.5 s (plus the 5 s margin of several nodes):
    // the jobs it queues last lapse before their turn
    const a = await open('lapsed', { maxConcurrentHandlers: 1, handlerTimeout: 1500 });
    const b = await open('lapsed');
    await a.deploy({ resources: [{ name: 'service.bpmn', content: bpmn('service-task.c7.bpmn') }] });
    const ranOnA: string[] = [];
    const ranOnB: string[] = [];
    a.handle('work', async (job) => {
      ranOnA.push(job.jobId);
      await sleep(1000);
    });
    b.handle('work', async (job) => {
      ranOnB.push(job.jobId);
      await sleep(20);
    });
    const instances: Array<{ id: string }> = [];
    for (let i = 0; i < 10; i++) instances.push(await a.start('ServiceTaskC7'));
    await eventually(() => instances.every((i) => a.instance(i.id).state === 'completed'), 30_000);
    // let A's queue drain: a job it still runs after B completed it would show up here
    await eventually(() => ranOnA.length + ranOnB.length >= instances.length);
    await sleep(1000);
    await a.whenIdle();
    expect(ranOnB.length).toBeGreaterThan(0);
    expect(ranOnA.filter((id) => ranOnB.includes(id))).toEqual([]);
    for (const instance of instances) {
      const history = a.queries.historyOf(instance.id);
      expect(history.filter((h) => h.elementId === 'Task_Work' && h.kind === 'activityCompleted')).toHaveLength(1);
    }
  }, 60_000);

  it('a node closing cleanly tells the others that it gave its job locks back', async () => {
    // long locks and no takeover by heartbeat: without a wake-up B would wait for its next poll
    const a = await open('leaving', { handlerTimeout: 120_000 });
    const b = await open('leaving');
    await a.deploy({ resources: [{ name: 'service.bpmn', content: bpmn('service-task.c7.bpmn') }] });
    const started: string[] = [];
    a.handle('work', (job) => {
      started.push(job.jobId);
      return new Promise<void>(() => undefined);
    });
    const instance = await a.start('ServiceTaskC7');
    await eventually(() => started.length === 1);
    await b.whenIdle();
    const before = b.cluster!.received;
    await a.close();
    await eventually(() => b.cluster!.received > before, 10_000);
    b.handle('work', () => undefined);
    await eventually(() => b.instance(instance.id).state === 'completed', 20_000);
  }, 60_000);

  it("a node whose heartbeat went stale never counts its own locks as a dead node's; the others do", async () => {
    const a = await open('stale', { handlerTimeout: 120_000, nodeGrace: 300 });
    const b = await open('stale', { nodeGrace: 300 });
    await a.deploy({ resources: [{ name: 'service.bpmn', content: bpmn('service-task.c7.bpmn') }] });
    const started: string[] = [];
    a.handle('work', (job) => {
      started.push(job.jobId);
      return new Promise<void>(() => undefined);
    });
    for (let i = 0; i < 3; i++) await a.start('ServiceTaskC7');
    await eventually(() => started.length === 3);
    // A's heartbeat stops (its event loop blocked, say) and goes stale; its locks are far from expiry
    a.cluster!.heartbeat.stop();
    await sleep(1000);
    const now = Date.now() + 1000;
    expect(a.core.jobs.dueTopicJobs('work', now, 10)).toEqual([]);
    expect(b.core.jobs.dueTopicJobs('work', now, 10).map((job) => job.id).sort()).toEqual([...started].sort());
  }, 60_000);
});
