import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, conditionalSubscriptions, deploy, executionsAt, historyState, openTasks, setVariable, start, startServer, taskId, typed, visited, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await deploy(t.base, 'conditional-event-sub-process.c7.bpmn');
  await deploy(t.base, 'conditional-scopes.c7.bpmn');
});
afterAll(async () => t.close());

describe('event sub-processes with a conditional start', () => {
  it('are evaluated when the instance starts, before its none start event: an interrupting one takes over at once', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7', { abort: true });
    expect(await openTasks(t.base, id)).toEqual(['Aborted']);
    expect(await visited(t.base, id)).not.toContain('Work');
  });

  it('an interrupting one cancels the running work when a variable makes its condition true', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    expect(await openTasks(t.base, id)).toEqual(['Work']);
    expect(await conditionalSubscriptions(t.base, id)).toEqual(['AbortStart', 'LogStart']);
    await setVariable(t.base, id, 'abort', false);
    expect(await openTasks(t.base, id)).toEqual(['Work']);
    await setVariable(t.base, id, 'abort', true);
    expect(await openTasks(t.base, id)).toEqual(['Aborted']);
    // disarmed while the interrupting one runs: the non-interrupting start no longer fires
    expect(await conditionalSubscriptions(t.base, id)).toEqual([]);
    await setVariable(t.base, id, 'log', true);
    expect(await openTasks(t.base, id)).toEqual(['Aborted']);
  });

  it('a non-interrupting one (camunda:variableName="log") runs beside the work each time log changes and holds', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    await setVariable(t.base, id, 'log', true);
    await setVariable(t.base, id, 'log', true);
    await setVariable(t.base, id, 'other', true);
    expect(await openTasks(t.base, id)).toEqual(['Logged', 'Logged', 'Work']);
  });

  it("an activity's output mapping that sets the variable triggers it", async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    const res = await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Work')}/complete`, {});
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Logged']);
    expect(await executionsAt(t.base, id, 'WaitForPing')).toHaveLength(1);
  });

  it('the variables of a task completion trigger it (before the token moving on reaches the end event)', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Work')}/complete`, {});
    await call(t.base, 'POST', '/message', { messageName: 'Ping', processInstanceId: id });
    expect(await openTasks(t.base, id)).toEqual(['AfterPing', 'Logged']);
    const res = await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'AfterPing')}/complete`, { variables: typed({ abort: true }) });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Aborted']);
    expect(await historyState(t.base, id)).toBe('ACTIVE');
  });

  it('variables a task with output mappings is completed with stay local to it, and trigger nothing outside', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Work')}/complete`, { variables: typed({ abort: true }) });
    expect(await openTasks(t.base, id)).toEqual(['Logged']);
  });

  it('the variables of a correlated message (POST /message) trigger it', async () => {
    const id = await start(t.base, 'ConditionalEventSubProcessC7');
    await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Work')}/complete`, {});
    const res = await call(t.base, 'POST', '/message', { messageName: 'Ping', processInstanceId: id, processVariables: typed({ abort: true }) });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Aborted']);
  });
});

describe('which conditional events a change reaches (Camunda 7: top-down, scoped)', () => {
  it('a variable set in a sub-process scope is not visible to events outside it', async () => {
    const id = await start(t.base, 'ConditionalScopesC7');
    const [sub] = await executionsAt(t.base, id, 'Sub');
    const res = await call(t.base, 'POST', `/execution/${sub}/localVariables`, { modifications: typed({ x: 1 }) });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['TaskA', 'TaskB']);
    await setVariable(t.base, id, 'x', 1);
    expect(await openTasks(t.base, id)).toEqual(['TaskB']);
  });

  it('the outer scope is evaluated first: an interrupting boundary on the sub-process wins over the one inside it', async () => {
    const id = await start(t.base, 'ConditionalScopesC7');
    await setVariable(t.base, id, 'y', 1);
    expect(await openTasks(t.base, id)).toEqual(['AfterSub', 'TaskA']);
    expect(await visited(t.base, id)).not.toContain('TaskBCond');
  });
});
