import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelerDeploy } from '../http/helpers.js';
import { call, conditionalFixture, conditionalSubscriptions, deploy, executionsAt, historyState, openTasks, setVariable, start, startServer, taskId, typed, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
  await deploy(t.base, 'conditional-catch.c7.bpmn');
});
afterAll(async () => t.close());

describe('intermediate conditional catch event (camunda:variableName="approved" camunda:variableEvents="update")', () => {
  it('continues at once when the condition holds as the token arrives', async () => {
    const id = await start(t.base, 'ConditionalCatchC7', { approved: true });
    expect(await openTasks(t.base, id)).toEqual(['Ship']);
    expect(await executionsAt(t.base, id, 'WaitApproved')).toEqual([]);
  });

  it('waits while the condition is false or names an unknown variable', async () => {
    const withFalse = await start(t.base, 'ConditionalCatchC7', { approved: false });
    const withoutVariable = await start(t.base, 'ConditionalCatchC7');
    for (const id of [withFalse, withoutVariable]) {
      expect(await executionsAt(t.base, id, 'WaitApproved')).toHaveLength(1);
      expect(await openTasks(t.base, id)).toEqual([]);
    }
  });

  it('is evaluated only for its variable (variableName) and only on updates (variableEvents)', async () => {
    const id = await start(t.base, 'ConditionalCatchC7');
    await setVariable(t.base, id, 'other', true); // another variable: not evaluated
    expect(await executionsAt(t.base, id, 'WaitApproved')).toHaveLength(1);
    await setVariable(t.base, id, 'approved', true); // created, not updated: not evaluated
    expect(await executionsAt(t.base, id, 'WaitApproved')).toHaveLength(1);
    expect(await conditionalSubscriptions(t.base, id)).toEqual(['WaitApproved']);
    await setVariable(t.base, id, 'approved', true); // updated: evaluated, holds
    expect(await executionsAt(t.base, id, 'WaitApproved')).toEqual([]);
    expect(await conditionalSubscriptions(t.base, id)).toEqual([]);
    expect(await openTasks(t.base, id)).toEqual(['Ship']);
    await call(t.base, 'POST', `/task/${await taskId(t.base, id, 'Ship')}/complete`, {});
    expect(await historyState(t.base, id)).toBe('COMPLETED');
  });

  it('sees a local variable set on its own execution (POST /execution/{id}/localVariables)', async () => {
    const id = await start(t.base, 'ConditionalCatchC7', { approved: false });
    const [execution] = await executionsAt(t.base, id, 'WaitApproved');
    const local = async () => (await call(t.base, 'POST', `/execution/${execution}/localVariables`, { modifications: typed({ approved: true }) })).status;
    expect(await local()).toBe(204); // a new local variable: a create, which this event ignores
    expect(await openTasks(t.base, id)).toEqual([]);
    expect(await local()).toBe(204); // an update of the local variable: seen, and it shadows approved=false
    expect(await openTasks(t.base, id)).toEqual(['Ship']);
  });

  it('is evaluated after POST /process-instance/{id}/variables with modifications', async () => {
    const id = await start(t.base, 'ConditionalCatchC7', { approved: false });
    const res = await call(t.base, 'POST', `/process-instance/${id}/variables`, { modifications: typed({ approved: true }) });
    expect(res.status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Ship']);
  });

  it('camunda:variableEvents="delete": only removing the variable evaluates it', async () => {
    const xml = conditionalFixture('conditional-catch.c7.bpmn')
      .replaceAll('ConditionalCatchC7', 'ConditionalCatchOnDeleteC7')
      .replace('camunda:variableEvents="update"', 'camunda:variableEvents="delete"')
      .replace('${approved}', "${!execution.hasVariable('approved') || approved == false}");
    expect((await modelerDeploy(t.base, 'conditional-catch-on-delete.c7.bpmn', xml)).status).toBe(200);
    const id = await start(t.base, 'ConditionalCatchOnDeleteC7', { approved: true });
    expect(await executionsAt(t.base, id, 'WaitApproved')).toHaveLength(1);
    await setVariable(t.base, id, 'approved', false); // would hold, but an update is not listened to
    expect(await executionsAt(t.base, id, 'WaitApproved')).toHaveLength(1);
    expect((await call(t.base, 'DELETE', `/process-instance/${id}/variables/approved`)).status).toBe(204);
    expect(await openTasks(t.base, id)).toEqual(['Ship']);
  });
});
