import { describe, it, expect, afterEach } from 'vitest';
import type { Engine } from '../../src/index.js';
import { engineWith, activeElements, tasksOf } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

describe('the instance cache', () => {
  it('a command that fails leaves no trace, neither in the database nor in what the next command sees', async () => {
    engine = await engineWith(['user-task.c7.bpmn']);
    const instance = await engine.start('UserTaskC7', { variables: { reviewer: 'ann', dueDate: null, count: 1 } });
    const [task] = tasksOf(engine, instance.id);

    // a command that writes through the store (its change set applied) and then throws: its savepoint rolls back
    const failing = engine.submit(() => {
      engine.core.changes.add({ kind: 'upsertVariable', instanceId: instance.id, scopeId: instance.id, name: 'count', type: 'number', value: '99' });
      engine.core.runtime.apply(engine.core.changes);
      throw new Error('boom');
    });
    const fine = engine.setVariables(instance.id, { other: true });
    await expect(failing).rejects.toThrow('boom');
    await fine;

    expect(engine.variables(instance.id)).toMatchObject({ count: 1, other: true });
    // the runtime store answers from its cache: it must not remember the rolled-back 99
    const count = engine.core.runtime.variablesOf(instance.id).find((v) => v.name === 'count');
    expect(count).toMatchObject({ type: 'number', value: '1' });
    await engine.completeTask(task!.id, { approved: true });
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(activeElements(engine, instance.id)).toEqual([]);
    const stored = engine.db.prepare(`SELECT value FROM variables WHERE instance_id = ? AND name = 'count'`).get(instance.id);
    expect(stored).toBeUndefined(); // the instance ended; runtime variables are gone, and 99 never existed
  });
});

describe('InstanceCache bounds', () => {
  it('drops the least recently used instances when their variables exceed the byte budget', async () => {
    const { InstanceCache } = await import('../../src/store/instance-cache.js');
    const cache = new InstanceCache(100, 2_500);
    const instance = (id: string) => ({ id, definitionId: 'd', definitionKey: 'k', businessKey: null, state: 'active' as const, parentInstanceId: null, parentElementInstanceId: null, startedAt: 0, endedAt: null, startElementId: null, endElementId: null });
    for (const id of ['a', 'b', 'c']) {
      cache.created(instance(id));
      cache.variableWritten(id, { scopeId: id, name: 'blob', type: 'string', value: 'x'.repeat(1000) });
    }
    expect(cache.instance('a')).toBeUndefined(); // 3 × ~1 KB > 2.5 KB: the oldest went
    expect(cache.variables('b')).toHaveLength(1);
    expect(cache.variables('c')).toHaveLength(1);
    cache.variableDeleted('b', 'b', 'blob');
    cache.created(instance('d'));
    cache.variableWritten('d', { scopeId: 'd', name: 'blob', type: 'string', value: 'x'.repeat(1000) });
    expect(cache.instance('b')).toBeDefined(); // b shrank, so c and d fit beside it
    expect(cache.instance('c')).toBeDefined();
  });

  it('keeps at most `capacity` instances', async () => {
    const { InstanceCache } = await import('../../src/store/instance-cache.js');
    const cache = new InstanceCache(2);
    for (const id of ['a', 'b', 'c']) cache.created({ id, definitionId: 'd', definitionKey: 'k', businessKey: null, state: 'active', parentInstanceId: null, parentElementInstanceId: null, startedAt: 0, endedAt: null, startElementId: null, endElementId: null });
    expect(cache.instance('a')).toBeUndefined();
    expect(cache.instance('b')).toBeDefined();
    expect(cache.instance('c')).toBeDefined();
  });
});

describe('the job cache', () => {
  it('answers every job read of a running instance exactly as the jobs table would, through lock, failure, retries and completion', async () => {
    const { toJob } = await import('../../src/store/runtime-store.js');
    const { extendLock, failJob, setJobRetries, unlockJob, completeJob } = await import('../../src/runtime/commands/job-commands.js');
    // what a worker's fetch-and-lock writes
    const lock = (workerId: string) => engine.submit(() => engine.core.changes.add({ kind: 'lockJob', id: jobId, owner: workerId, expiresAt: engine.core.clock.now() + 60_000 }));
    engine = await engineWith(['error-boundary.c7.bpmn']);
    // no handler for `risky`: the work item waits for a remote worker
    const instance = await engine.start('ErrorBoundaryC7', { variables: { fail: false } });
    const jobId = (engine.db.prepare(`SELECT id FROM jobs WHERE instance_id = ?`).get(instance.id) as { id: string }).id;
    const fromTable = () => {
      const row = engine.db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(jobId);
      return row === undefined ? undefined : toJob(row);
    };
    const same = () => expect(engine.core.runtime.getJob(jobId)).toEqual(fromTable());

    same();
    await lock('worker-1');
    same();
    await engine.submit(() => extendLock(engine.core, jobId, 'worker-1', 120_000));
    same();
    await engine.submit((fx) => failJob(engine.core, jobId, { message: 'down', details: 'stack', retries: 0, retryTimeout: 0 }, { workerId: 'worker-1' }, fx));
    same();
    expect(fromTable()).toMatchObject({ retries: 0, attempts: 1, lockOwner: null, errorMessage: 'down', errorDetails: 'stack' });
    await engine.submit((fx) => setJobRetries(engine.core, jobId, 2, fx));
    same();
    await lock('worker-2');
    await engine.submit((fx) => unlockJob(engine.core, jobId, fx));
    same();
    await lock('worker-2');
    await engine.submit((fx) => completeJob(engine.core, jobId, {}, { workerId: 'worker-2' }, fx));
    expect(fromTable()).toBeUndefined();
    same();
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
  });

  it('forgets a job written by a command that rolled back', async () => {
    engine = await engineWith(['error-boundary.c7.bpmn']);
    const instance = await engine.start('ErrorBoundaryC7', { variables: { fail: false } });
    const job = engine.core.runtime.getJob((engine.db.prepare(`SELECT id FROM jobs WHERE instance_id = ?`).get(instance.id) as { id: string }).id)!;
    const failing = engine.submit(() => {
      engine.core.changes.add({ kind: 'lockJob', id: job.id, owner: 'ghost', expiresAt: 1 });
      engine.core.changes.add({ kind: 'insertJob', job: { ...job, id: `${job.id}-ghost` } });
      engine.core.runtime.apply(engine.core.changes);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(engine.core.runtime.getJob(job.id)).toEqual(job);
    expect(engine.core.runtime.getJob(`${job.id}-ghost`)).toBeUndefined();
  });
});
