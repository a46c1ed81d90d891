/**
 * Async continuations of a multi-instance activity, as in Camunda 7 (FoxJobRetryCmdTest,
 * testFailingMultiInstanceBody / testFailingMultiInstanceInnerActivity): `camunda:asyncBefore` on
 * the loop characteristics makes the body wait for one job; on the activity, every iteration waits for its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { engineWith, jobs, state, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

type Row = { id: string; parent_id: string | null; element_id: string; state: string };
const rows = (t: TestEngine, instanceId: string): Row[] =>
  t.engine.db.prepare('SELECT id, parent_id, element_id, state FROM element_instances WHERE instance_id = ? ORDER BY rowid').all(instanceId) as Row[];

/** Locks and completes every waiting work item of `topic` as a remote worker would. */
async function completeWork(t: TestEngine, instanceId: string, topic: string): Promise<void> {
  for (const job of jobs(t.engine, instanceId).filter((j) => j.kind === 'task' && j.topic === topic)) {
    t.engine.db.prepare('UPDATE jobs SET lock_owner = ?, lock_expires_at = ? WHERE id = ?').run('worker', t.clock.now() + 60_000, job.id);
    await t.engine.completeExternalTask(job.id as string, 'worker');
  }
}

describe('multi-instance async continuations (Camunda 7)', () => {
  it('asyncBefore on the loop characteristics: the body waits for one job; on the activity: one job per iteration', async () => {
    t = await engineWith(['multi-instance-async.c7.bpmn']);
    const pi = await t.engine.start('MultiInstanceAsyncC7');
    const [body] = rows(t, pi.id);
    expect(rows(t, pi.id)).toEqual([expect.objectContaining({ element_id: 'Task_Once', parent_id: null, state: 'ready' })]);
    expect(jobs(t.engine, pi.id)).toMatchObject([{ kind: 'async', element_instance_id: body!.id }]);

    await t.engine.whenIdle();
    expect(jobs(t.engine, pi.id).filter((j) => j.kind === 'task').map((j) => j.topic)).toEqual(['prepare', 'prepare']);
    await completeWork(t, pi.id, 'prepare');

    // Task_Each: its body ran at once, each of its three iterations waits for a job of its own
    const eachBody = rows(t, pi.id).find((r) => r.element_id === 'Task_Each' && r.parent_id === null)!;
    expect(eachBody.state).toBe('active');
    const iterations = rows(t, pi.id).filter((r) => r.parent_id === eachBody.id);
    expect(iterations.map((r) => r.state)).toEqual(['ready', 'ready', 'ready']);
    const asyncJobs = jobs(t.engine, pi.id).filter((j) => j.kind === 'async');
    expect(asyncJobs.map((j) => j.element_instance_id).sort()).toEqual(iterations.map((r) => r.id).sort());

    await t.engine.whenIdle();
    expect(jobs(t.engine, pi.id).filter((j) => j.kind === 'task').map((j) => j.topic)).toEqual(['score', 'score', 'score']);
    await completeWork(t, pi.id, 'score');
    expect(state(t.engine, pi.id)).toBe('completed');
  });
});
