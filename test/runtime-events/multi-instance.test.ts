import { afterEach, describe, expect, it } from 'vitest';
import { advance, active, childrenOf, completed, DAY, engineWith, flavours, historicVariables, incidents, pid, state, task, tasks, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe.each(flavours)('multi-instance (%s)', (flavour) => {
  it('parallel over a collection, then sequential: element variable, loopCounter, nrOf* variables', async () => {
    t = await engineWith([`multi-instance.${flavour}.bpmn`]);
    const each: Array<Record<string, unknown>> = [];
    const seq: Array<Record<string, unknown>> = [];
    t.engine.handle('score-model', (job) => {
      each.push(job.variables);
      return { variables: { score: (job.variables.loopCounter as number) * 10 } };
    });
    t.engine.handle('retry-step', (job) => void seq.push(job.variables));
    const pi = await t.engine.start(pid('MultiInstance', flavour), { variables: { models: ['fraud', 'churn', 'ltv'] } });
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(each.map((v) => [v.model, v.loopCounter]).sort()).toEqual([['churn', 1], ['fraud', 0], ['ltv', 2]]);
    expect(each.every((v) => v.nrOfInstances === 3)).toBe(true);
    expect(seq.map((v) => v.loopCounter)).toEqual([0, 1, 2]);
    expect(seq.map((v) => v.nrOfCompletedInstances)).toEqual([0, 1, 2]);
    expect(seq.every((v) => v.nrOfActiveInstances === 1)).toBe(true);
    if (flavour === 'c8') {
      expect(seq.map((v) => v.round)).toEqual([1, 2, 3]);
      expect(historicVariables(t.engine, pi.id).scores).toEqual([0, 10, 20]);
    }
    expect(completed(t.engine, pi.id).filter((id) => id === 'Task_Each')).toHaveLength(4); // 3 inner + the body
  });

  it('a collection that is not a list is an incident with a clear message', async () => {
    t = await engineWith([`multi-instance.${flavour}.bpmn`]);
    const pi = await t.engine.start(pid('MultiInstance', flavour), { variables: { models: 'fraud' } });
    expect(incidents(t.engine, pi.id)).toMatchObject([{ element_id: 'Task_Each', message: expect.stringMatching(/collection of 'Task_Each' .* must be a list, but it is a string/) }]);
  });

  it('an empty collection completes the body at once', async () => {
    t = await engineWith([`multi-instance.${flavour}.bpmn`]);
    t.engine.handle('retry-step', () => undefined);
    const pi = await t.engine.start(pid('MultiInstance', flavour), { variables: { models: [] } });
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
  });

  it('multi-instance sub-process: one scope per item, boundary timer on the body', async () => {
    t = await engineWith([`multi-instance-subprocess.${flavour}.bpmn`]);
    const pi = await t.engine.start(pid('MultiInstanceSub', flavour), { variables: { reviewers: ['ann', 'bob'] } });
    expect(tasks(t.engine, pi.id)).toHaveLength(2);
    const [first, second] = tasks(t.engine, pi.id);
    await t.engine.completeTask(first!.id, { verdict: 'yes' });
    await t.engine.completeTask(second!.id, { verdict: 'no' });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id).at(-1)).toBe('End');
    if (flavour === 'c8') expect(historicVariables(t.engine, pi.id).verdicts).toEqual(['yes', 'no']);

    const late = await t.engine.start(pid('MultiInstanceSub', flavour), { variables: { reviewers: ['ann', 'bob', 'cy'] } });
    await t.engine.completeTask(tasks(t.engine, late.id)[0]!.id, { verdict: 'yes' });
    await advance(t, 2 * DAY);
    expect(state(t.engine, late.id)).toBe('completed');
    expect(completed(t.engine, late.id).at(-1)).toBe('End_Late');
    expect(tasks(t.engine, late.id)).toEqual([]);
  });
});

describe('multi-instance call activity', () => {
  it('sequential: one child per item, in order, with in-mappings from the element variable and loopCounter', async () => {
    t = await engineWith(['multi-instance-call.c7.bpmn', 'call-activity-child.c7.bpmn']);
    const seen: Array<Record<string, unknown>> = [];
    t.engine.handle('child-work', (job) => void seen.push(job.variables));
    const pi = await t.engine.start('MultiInstanceCallC7', { variables: { models: ['a', 'b', 'c'] } });
    for (let i = 0; i < 4; i++) await t.engine.whenIdle();
    expect(seen.map((v) => [v.modelId, v.limit])).toEqual([['a', 0], ['b', 10], ['c', 20]]);
    expect(childrenOf(t.engine, pi.id).map((c) => c.state)).toEqual(['completed', 'completed', 'completed']);
    expect(state(t.engine, pi.id)).toBe('completed');
  });

  it('cancelling while a child runs cancels the child', async () => {
    t = await engineWith(['multi-instance-call.c7.bpmn', 'call-activity-child.c7.bpmn']);
    const pi = await t.engine.start('MultiInstanceCallC7', { variables: { models: ['a', 'b'] } });
    expect(active(t.engine, pi.id)).toEqual(['Call_Each', 'Call_Each']);
    await t.engine.cancel(pi.id);
    expect(childrenOf(t.engine, pi.id).map((c) => c.state)).toEqual(['terminated']);
  });
});

describe('user tasks inside multi-instance keep their own element variable', () => {
  it('completing one inner instance leaves the others', async () => {
    t = await engineWith(['multi-instance-subprocess.c7.bpmn']);
    const pi = await t.engine.start('MultiInstanceSubC7', { variables: { reviewers: ['ann', 'bob'] } });
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Vote'));
    expect(tasks(t.engine, pi.id)).toHaveLength(1);
    expect(state(t.engine, pi.id)).toBe('active');
  });
});
