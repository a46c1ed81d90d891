import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, conditionalSubscriptions, deploy, executionsAt, historyState, openTasks, setVariable, start, startServer, taskId, typed, visited, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await deploy(t.base, 'conditional-boundary.c7.bpmn');
});
afterAll(async () => t.close());

describe('conditional boundary events on a user task', () => {
  it('an interrupting one fires when the activity is entered and its condition already holds', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7', { cancelled: true });
    expect(await openTasks(t.base, id)).toEqual(['HandleCancel']);
  });

  it('an interrupting one cancels the task when a variable change makes it true', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7', { cancelled: false });
    expect(await openTasks(t.base, id)).toEqual(['Review']);
    expect(await conditionalSubscriptions(t.base, id)).toEqual(['Cancelled', 'Reminder']);
    await setVariable(t.base, id, 'cancelled', true);
    expect(await openTasks(t.base, id)).toEqual(['HandleCancel']);
    expect(await conditionalSubscriptions(t.base, id)).toEqual([]);
    expect(await visited(t.base, id)).toEqual(['Start', 'Review', 'Cancelled', 'HandleCancel']);
  });

  it('a non-interrupting one fires on every matching change while the task waits, and never for other variables', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7');
    await setVariable(t.base, id, 'remind', false);
    await setVariable(t.base, id, 'unrelated', 1);
    expect(await openTasks(t.base, id)).toEqual(['Review']);
    await setVariable(t.base, id, 'remind', true);
    await setVariable(t.base, id, 'remind', true);
    expect(await openTasks(t.base, id)).toEqual(['Review', 'SendReminder', 'SendReminder']);
    expect(await conditionalSubscriptions(t.base, id)).toEqual(['Cancelled', 'Reminder']);
    // deleting the variable is not among its variableEvents (create, update)
    expect((await call(t.base, 'DELETE', `/process-instance/${id}/variables/remind`)).status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Review', 'SendReminder', 'SendReminder']);
  });

  it('a variable set locally on the task execution is seen by its boundary events (POST /execution/{id}/localVariables)', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7');
    const [execution] = await executionsAt(t.base, id, 'Review');
    const res = await call(t.base, 'POST', `/execution/${execution}/localVariables`, { modifications: typed({ remind: true }) });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Review', 'SendReminder']);
  });

  it('completing the task with variables ends it first: its own boundary events do not fire (as in Camunda 7)', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7');
    const res = await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Review')}/complete`, { variables: typed({ cancelled: true, remind: true }) });
    expect(res.status).toBe(204);
    expect(await historyState(t.base, id)).toBe('COMPLETED');
    expect(await visited(t.base, id)).toEqual(['Start', 'Review', 'End']);
  });

  it('a task variable set while the task waits reaches the process scope and fires (PUT /task/{id}/variables/{name})', async () => {
    const id = await start(t.base, 'ConditionalBoundaryC7');
    const res = await call(t.base, 'PUT', `/task/${await taskId(t.base, id, 'Review')}/variables/cancelled`, { value: true, type: 'Boolean' });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['HandleCancel']);
  });
});
