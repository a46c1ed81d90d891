/**
 * On the Camunda 7 API, a start, a task completion or a message whose part that runs at once
 * fails the way Camunda fails (no outgoing flow selectable, an unknown variable in a condition)
 * answers Camunda's error and rolls back: no instance, no history, the task still open with its
 * variables unchanged. Behind an async continuation it stays an incident, as in Camunda; the
 * Camunda 8 API (/v2) keeps Zeebe's incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deploy, eventually, start, startServer, type TestServer } from './helpers.js';

const UNKNOWN_KIND = "Unknown property used in expression: ${kind == 'a'}. Cause: Cannot resolve identifier 'kind'";
const stuckAt = (id: string) => `ENGINE-02004 No outgoing sequence flow for the element with id '${id}' could be selected for continuing the process.`;
const str = (value: string) => ({ value, type: 'String' });

describe('rolled back like Camunda 7', () => {
  let t: TestServer;
  let gatewayDefinition: string;
  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'rollback.bpmn');
    gatewayDefinition = (await call(t.base, 'GET', '/process-definition/key/RollbackGateway')).body.id;
  });
  afterAll(() => t.close());

  const nothingOf = async (key: string) => {
    expect((await call(t.base, 'GET', `/process-instance?processDefinitionKey=${key}`)).body).toEqual([]);
    expect((await call(t.base, 'GET', `/history/process-instance?processDefinitionKey=${key}`)).body).toEqual([]);
    expect((await call(t.base, 'GET', `/history/activity-instance?processDefinitionId=${(await call(t.base, 'GET', `/process-definition/key/${key}`)).body.id}`)).body).toEqual([]);
  };

  it('a start whose condition names an unknown variable: 500 RestException with Camunda\'s message, nothing started', async () => {
    const res = await call(t.base, 'POST', '/process-definition/key/RollbackGateway/start', { variables: {} });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ type: 'RestException', message: `Cannot instantiate process definition ${gatewayDefinition}: ${UNKNOWN_KIND}` });
    await nothingOf('RollbackGateway');
    expect((await call(t.base, 'GET', '/incident')).body).toEqual([]);
  });

  it('a start with no selectable flow: ENGINE-02004, nothing started; by id too', async () => {
    const res = await call(t.base, 'POST', '/process-definition/key/RollbackGateway/start', { variables: { kind: str('c') } });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ type: 'RestException', message: `Cannot instantiate process definition ${gatewayDefinition}: ${stuckAt('Check')}` });
    const byId = await call(t.base, 'POST', `/process-definition/${gatewayDefinition}/start`, { variables: { kind: str('c') } });
    expect(byId.status).toBe(500);
    expect(byId.body.message).toBe(`Cannot instantiate process definition ${gatewayDefinition}: ${stuckAt('Check')}`);
    await nothingOf('RollbackGateway');
    // the same process runs when a flow can be chosen
    const ok = await start(t.base, 'RollbackGateway', { kind: str('a') });
    expect((await call(t.base, 'GET', `/task?processInstanceId=${ok}`)).body.map((task: { taskDefinitionKey: string }) => task.taskDefinitionKey)).toEqual(['TaskA']);
  });

  it('a task completion that cannot continue: 500 "Cannot complete task", the task stays open with its variables unchanged', async () => {
    const id = await start(t.base, 'RollbackTask', { note: str('original') });
    const task = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body[0] as { id: string };
    const res = await call(t.base, 'POST', `/task/${task.id}/complete`, { variables: { kind: str('c'), note: str('changed') } });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ type: 'RestException', message: `Cannot complete task ${task.id}: ${stuckAt('Route')}` });
    expect((await call(t.base, 'GET', `/task/${task.id}`)).status).toBe(200);
    expect((await call(t.base, 'GET', `/history/task?taskId=${task.id}`)).body[0].endTime).toBeNull();
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables`)).body).toEqual({ note: { value: 'original', type: 'String', valueInfo: {} } });
    expect((await call(t.base, 'GET', `/incident?processInstanceId=${id}`)).body).toEqual([]);

    const submitted = await call(t.base, 'POST', `/task/${task.id}/submit-form`, { variables: {} });
    expect(submitted.status).toBe(500);
    expect(submitted.body.message).toBe(`Cannot submit task form ${task.id}: ${UNKNOWN_KIND}`);

    // a completion that can continue goes through; a task's conditional flows that all fail are ENGINE-02006
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, { variables: { kind: str('a') } })).status).toBe(204);
    const routeA = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body[0] as { id: string };
    expect((await call(t.base, 'POST', `/task/${routeA.id}/complete`, {})).status).toBe(204);
    const work = (await call(t.base, 'GET', `/task?processInstanceId=${id}&taskDefinitionKey=Work`)).body[0] as { id: string };
    const stuck = await call(t.base, 'POST', `/task/${work.id}/complete`, { variables: { next: str('z') } });
    expect(stuck.status).toBe(500);
    expect(stuck.body.message).toBe(`Cannot complete task ${work.id}: ENGINE-02006 No conditional sequence flow leaving the Flow Node 'Work' could be selected for continuing the process.`);
    expect((await call(t.base, 'GET', `/task/${work.id}`)).status).toBe(200);
  });

  it('a message that starts an instance which cannot continue: 500 ProcessEngineException, nothing started', async () => {
    const res = await call(t.base, 'POST', '/message', { messageName: 'rollback-start' });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ type: 'ProcessEngineException', message: UNKNOWN_KIND });
    await nothingOf('RollbackMessage');
  });

  it('behind an async continuation the failure stays an incident, as in Camunda', async () => {
    const id = await start(t.base, 'RollbackAsync', { kind: str('c') });
    const incidents = await eventually(async () => {
      const found = (await call(t.base, 'GET', `/incident?processInstanceId=${id}`)).body as Array<{ activityId: string }>;
      return found.length > 0 ? found : undefined;
    });
    expect(incidents).toMatchObject([{ activityId: 'AsyncCheck' }]);
  });

  it('the Camunda 8 API keeps Zeebe\'s incident for the same start', async () => {
    const res = await fetch(`${t.url}/v2/process-instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ processDefinitionId: 'RollbackGateway', variables: { kind: 'c' } }),
    });
    expect(res.status).toBe(200);
    const incidents = (await call(t.base, 'GET', '/incident?activityId=Check')).body as Array<{ activityId: string; incidentMessage: string }>;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.incidentMessage).toMatch(/no outgoing sequence flow has a true condition/);
  });
});
