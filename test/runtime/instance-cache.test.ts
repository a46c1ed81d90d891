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

    // a command that writes through the store and then throws: its savepoint rolls back
    const failing = engine.submit(() => {
      engine.core.runtime.upsertVariable(instance.id, instance.id, 'count', 'number', '99');
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
