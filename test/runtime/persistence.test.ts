import { describe, it, expect, afterEach } from 'vitest';
import { Engine, type JobContext } from '../../src/index.js';
import { fixture, tempDatabase, completedElements, historyOf, until } from './helpers.js';

const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

async function open(database: string) {
  const engine = await Engine.open({ database, retryBackoff: { initial: 0, max: 0 } });
  engines.push(engine);
  return engine;
}

describe('definitions and versions', () => {
  it('a changed diagram becomes version N+1, an identical redeploy is filtered, and instances keep their version', async () => {
    const engine = await open(':memory:');
    const v1 = fixture('user-task.c7.bpmn');
    const first = await engine.deploy({ name: 'reviews', resources: [{ name: 'review.bpmn', content: v1 }] });
    expect(first.definitions!.map((d) => d.version)).toEqual([1]);
    const old = await engine.start('UserTaskC7', { variables: { reviewer: 'a', dueDate: null } });

    const again = await engine.deploy({ name: 'reviews', resources: [{ name: 'review.bpmn', content: v1 }] });
    expect(again.definitions).toBeNull();
    expect(again.deployment.id).toBe(first.deployment.id);

    const v2 = v1.replace('name="Review"', 'name="Review v2"');
    expect(v2).not.toBe(v1);
    const second = await engine.deploy({ name: 'reviews', resources: [{ name: 'review.bpmn', content: v2 }] });
    expect(second.definitions!.map((d) => d.version)).toEqual([2]);
    const fresh = await engine.start('UserTaskC7', { variables: { reviewer: 'a', dueDate: null } });

    expect(engine.instance(old.id).definitionId).toBe(first.definitions![0]!.id);
    expect(engine.instance(fresh.id).definitionId).toBe(second.definitions![0]!.id);
    expect(engine.latestDefinition('UserTaskC7').version).toBe(2);
    expect(engine.latestDefinition('UserTaskC7', null, 1).id).toBe(first.definitions![0]!.id);
  });

  it('without duplicate filtering every deploy is a new version', async () => {
    const engine = await open(':memory:');
    const xml = fixture('service-task.c8.bpmn');
    await engine.deploy({ name: 'x', resources: [{ name: 'a.bpmn', content: xml }], duplicateFiltering: false });
    const again = await engine.deploy({ name: 'x', resources: [{ name: 'a.bpmn', content: xml }], duplicateFiltering: false });
    expect(again.definitions!.map((d) => d.version)).toEqual([2]);
  });

  it('several executable processes in one file deploy as several definitions', async () => {
    const engine = await open(':memory:');
    const result = await engine.deploy({ name: 'c', resources: [{ name: 'collab.bpmn', content: fixture('collaboration.bpmn') }] });
    expect(result.definitions!.map((d) => d.key).sort()).toEqual(['Collab_Deploy', 'Collab_Train']);
  });

  it('non-BPMN resources (forms, DMN) are stored alongside', async () => {
    const engine = await open(':memory:');
    const result = await engine.deploy({
      name: 'with-form',
      resources: [
        { name: 'review.bpmn', content: fixture('user-task.c8.bpmn') },
        { name: 'review.form', content: '{"components":[]}' },
      ],
    });
    const names = engine.core.repository.resourcesOf(result.deployment.id).map((r) => r.name);
    expect(names).toEqual(['review.bpmn', 'review.form']);
  });
});

describe('durability', () => {
  it('reopening the file resumes a job whose handler never finished, with the same idempotency key', async () => {
    const database = tempDatabase();
    const first = await open(database);
    await first.deploy({ name: 'd', resources: [{ name: 's.bpmn', content: fixture('service-task.c7.bpmn') }] });
    const calls: JobContext[] = [];
    first.handle('work', (job) => {
      calls.push(job);
      return new Promise(() => undefined); // never settles: the "crash" happens mid-handler
    });
    const instance = await first.start('ServiceTaskC7', { variables: { n: 1 } });
    await until(() => calls.length > 0);
    expect(calls).toHaveLength(1);
    await first.close();
    engines.splice(engines.indexOf(first), 1);

    const second = await open(database);
    const resumed: JobContext[] = [];
    second.handle('work', (job) => {
      resumed.push(job);
      return { variables: { done: true } };
    });
    await second.whenIdle();
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.idempotencyKey).toBe(calls[0]!.idempotencyKey);
    expect(resumed[0]!.variables).toEqual({ n: 1 });
    expect(second.instance(instance.id).state).toBe('completed');
    expect(completedElements(second, instance.id)).toEqual(['Start', 'Task_Work', 'End']);
  });

  it('user tasks, variables and history survive a reopen', async () => {
    const database = tempDatabase();
    const first = await open(database);
    await first.deploy({ name: 'd', resources: [{ name: 'u.bpmn', content: fixture('user-task.c8.bpmn') }] });
    const instance = await first.start('UserTaskC8', { businessKey: 'model-7', variables: { reviewer: 'ann', dueDate: null, modelVersion: 7 } });
    await first.close();
    engines.splice(0);

    const second = await open(database);
    const task = second.db.prepare('SELECT id FROM tasks WHERE instance_id = ?').get(instance.id) as { id: string };
    await second.completeTask(task.id, { approved: true }, { userId: 'ann' });
    expect(second.instance(instance.id)).toMatchObject({ state: 'completed', businessKey: 'model-7' });
    const kinds = historyOf(second, instance.id).map((row) => row.kind);
    expect(kinds[0]).toBe('instanceStarted');
    expect(kinds).toEqual(expect.arrayContaining(['taskCreated', 'taskCompleted', 'instanceCompleted']));
  });

  it('a second engine cannot open a database file that is in use', async () => {
    const database = tempDatabase();
    await open(database);
    await expect(Engine.open({ database })).rejects.toThrow(/in use by another engine/);
  });
});
