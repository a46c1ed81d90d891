import { describe, it, expect, afterEach } from 'vitest';
import type { Engine, JobContext } from '../../src/index.js';
import { engineWith, flavours, processId, completedElements, openJobs, tasksOf, historyOf, activeElements } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

describe.each(flavours)('tasks (%s)', (flavour) => {
  it('a service task calls its handler with variables, element, instance, attempt and idempotency key', async () => {
    engine = await engineWith([`service-task.${flavour}.bpmn`]);
    const calls: JobContext[] = [];
    engine.handle('work', (job) => {
      calls.push(job);
      return { variables: { result: (job.variables.input as number) * 2 } };
    });
    const instance = await engine.start(processId('ServiceTask', flavour), { businessKey: 'bk-1', variables: { input: 21 } });
    await engine.whenIdle();

    expect(calls).toHaveLength(1);
    const job = calls[0]!;
    expect(job.topic).toBe('work');
    expect(job.attempt).toBe(1);
    expect(job.idempotencyKey).toBe(job.jobId);
    expect(job.variables).toEqual({ input: 21 });
    expect(job.element).toMatchObject({ id: 'Task_Work', type: 'bpmn:ServiceTask' });
    expect(job.instance).toMatchObject({ id: instance.id, businessKey: 'bk-1', definitionKey: processId('ServiceTask', flavour) });
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(completedElements(engine, instance.id)).toEqual(['Start', 'Task_Work', 'End']);
    const result = historyOf(engine, instance.id).find((row) => row.kind === 'variableSet' && row.data?.includes('"result"'));
    expect(JSON.parse(result!.data!)).toMatchObject({ name: 'result', value: '42' });
  });

  it('a service task without an in-process handler waits as an open job for a remote worker', async () => {
    engine = await engineWith([`service-task.${flavour}.bpmn`]);
    const instance = await engine.start(processId('ServiceTask', flavour));
    await engine.whenIdle();

    expect(engine.instance(instance.id).state).toBe('active');
    expect(activeElements(engine, instance.id)).toEqual(['Task_Work']);
    const [job] = openJobs(engine, instance.id);
    expect(job).toMatchObject({ topic: 'work', lock_owner: null, retries: 3 });

    // a handler registered later picks the waiting job up
    engine.handle('work', () => ({ variables: { late: true } }));
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
  });

  it('a script task evaluates its expression into the result variable', async () => {
    engine = await engineWith([`script-task.${flavour}.bpmn`]);
    const instance = await engine.start(processId('ScriptTask', flavour), { variables: { a: 2, b: 40 } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    const sets = historyOf(engine, instance.id).filter((row) => row.kind === 'variableSet').map((row) => JSON.parse(row.data!));
    expect(sets).toContainEqual({ name: 'total', type: 'number', value: '42' });
  });

  it('a user task is created with its assignment, waits, and completes with the person\'s variables', async () => {
    engine = await engineWith([`user-task.${flavour}.bpmn`]);
    const instance = await engine.start(processId('UserTask', flavour), { variables: { reviewer: 'alice', dueDate: '2026-12-01T10:00:00Z' } });
    await engine.whenIdle();

    const [task] = tasksOf(engine, instance.id);
    expect(task).toMatchObject({ element_id: 'Task_Review', assignee: 'alice', candidate_groups: 'reviewers', priority: 60 });
    expect(task!.due_at).toBe(Date.parse('2026-12-01T10:00:00Z'));
    const byGroup = engine.db.prepare("SELECT task_id FROM task_candidates WHERE kind = 'group' AND value = 'reviewers'").all();
    expect(byGroup).toEqual([{ task_id: task!.id }]);

    await engine.completeTask(task!.id, { approved: true }, { userId: 'alice' });
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(tasksOf(engine, instance.id)).toEqual([]);
    const completed = historyOf(engine, instance.id).find((row) => row.kind === 'taskCompleted');
    expect(completed!.actor).toBe('alice');
  });

  it('claiming a task someone else holds is refused; unclaim frees it', async () => {
    engine = await engineWith([`user-task.${flavour}.bpmn`]);
    const instance = await engine.start(processId('UserTask', flavour), { variables: { reviewer: null, dueDate: null } });
    await engine.whenIdle();
    const [task] = tasksOf(engine, instance.id);
    expect(task!.assignee).toBeNull();
    await engine.claimTask(task!.id, 'bob');
    await expect(engine.claimTask(task!.id, 'carol')).rejects.toThrow(/already claimed by 'bob'/);
    await engine.unclaimTask(task!.id);
    await engine.claimTask(task!.id, 'carol');
    expect(tasksOf(engine, instance.id)[0]!.assignee).toBe('carol');
  });
});

describe('completing things that are gone', () => {
  it('completing an unknown task or job is a clear NotFound error', async () => {
    engine = await engineWith(['service-task.c7.bpmn']);
    await expect(engine.completeTask('nope')).rejects.toThrow(/No user task with id 'nope'/);
    await expect(engine.completeExternalTask('nope', 'w1')).rejects.toThrow(/No job or external task with id 'nope'/);
  });
});
