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
