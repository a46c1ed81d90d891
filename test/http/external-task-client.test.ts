import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Variables, type Task, type TaskService } from 'camunda-external-task-client-js';
import { call, deployFixture, eventually, startServer, type TestServer } from './helpers.js';

/** The real Camunda JavaScript worker against our REST API, unchanged. */
describe('camunda-external-task-client-js round trip', () => {
  let t: TestServer;
  let client: Client;
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'service-task.c7.bpmn');
    await deployFixture(t.base, 'error-boundary.c7.bpmn');
    client = new Client({ baseUrl: t.base, workerId: 'js-worker', asyncResponseTimeout: 1000, interval: 20, lockDuration: 20_000, autoPoll: false });
    client.on('poll:error', () => undefined);
    client.subscribe('work', async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      const n = (attempts.get(task.processInstanceId) ?? 0) + 1;
      attempts.set(task.processInstanceId, n);
      const mode = task.variables.get('mode');
      if (mode === 'fail-once' && n === 1) {
        await taskService.handleFailure(task, { errorMessage: 'temporary outage', errorDetails: 'details of the outage', retries: 1, retryTimeout: 0 });
        return;
      }
      if (mode === 'fail-hard' && n === 1) {
        await taskService.handleFailure(task, { errorMessage: 'fatal: model file missing', errorDetails: 'trace', retries: 0, retryTimeout: 0 });
        return;
      }
      const result = new Variables();
      result.set('result', 42);
      result.set('report', { auc: 0.91, features: ['a', 'b'] });
      result.set('finishedAt', new Date('2024-05-01T10:15:00.000Z'));
      await taskService.complete(task, result);
    });
    client.subscribe('risky', async ({ task, taskService }: { task: Task; taskService: TaskService }) => {
      const vars = new Variables();
      vars.set('riskScore', 0.97);
      await taskService.handleBpmnError(task, 'RISK_ERROR', 'risk too high', vars);
    });
    client.start();
  });

  afterAll(async () => {
    client.stop();
    await t.close();
  });

  const start = async (key: string, variables: Record<string, unknown> = {}) => {
    const res = await call(t.base, 'POST', `/process-definition/key/${key}/start`, { businessKey: `bk-${Math.random()}`, variables });
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const historicState = async (id: string) => (await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state as string;

  it('fetches, receives typed variables and completes; result variables are stored with their types', async () => {
    const id = await start('ServiceTaskC7', { input: { value: 'x', type: 'String' } });
    await eventually(async () => (await historicState(id)) === 'COMPLETED');
    const vars = await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${id}&sortBy=variableName&sortOrder=asc`);
    const byName = Object.fromEntries(vars.body.map((v: { name: string }) => [v.name, v]));
    expect(byName.result).toMatchObject({ type: 'Integer', value: 42 });
    expect(byName.report.type).toBe('Json');
    expect(JSON.parse(byName.report.value)).toEqual({ auc: 0.91, features: ['a', 'b'] });
    expect(byName.finishedAt).toMatchObject({ type: 'Date', value: '2024-05-01T10:15:00.000+0000' });
    expect(byName.input).toMatchObject({ type: 'String', value: 'x' });
  });

  it('handleFailure with retries left: the task comes back and then completes', async () => {
    const id = await start('ServiceTaskC7', { mode: { value: 'fail-once', type: 'String' } });
    await eventually(async () => (await historicState(id)) === 'COMPLETED');
    expect(attempts.get(id)).toBe(2);
  });

  it('handleFailure with retries 0 raises an incident; setting retries resolves it and the task runs again', async () => {
    const id = await start('ServiceTaskC7', { mode: { value: 'fail-hard', type: 'String' } });
    const incident = await eventually(async () => (await call(t.base, 'GET', `/incident?processInstanceId=${id}`)).body[0]);
    expect(incident).toMatchObject({ processInstanceId: id, activityId: 'Task_Work', incidentMessage: 'fatal: model file missing' });
    expect(incident.incidentTimestamp).toMatch(/\+0000$/);
    const task = (await call(t.base, 'GET', `/external-task?processInstanceId=${id}`)).body[0];
    expect(task).toMatchObject({ retries: 0, errorMessage: 'fatal: model file missing', topicName: 'work' });
    expect(incident.configuration).toBe(task.id);
    const details = await fetch(`${t.base}/external-task/${task.id}/errorDetails`);
    expect(await details.text()).toBe('trace');
    expect((await call(t.base, 'PUT', `/external-task/${task.id}/retries`, { retries: 1 })).status).toBe(204);
    await eventually(async () => (await historicState(id)) === 'COMPLETED');
    expect((await call(t.base, 'GET', `/incident?processInstanceId=${id}`)).body).toEqual([]);
    expect(attempts.get(id)).toBe(2);
  });

  it('handleBpmnError is caught by the error boundary event', async () => {
    const id = await start('ErrorBoundaryC7');
    await eventually(async () => (await historicState(id)) === 'COMPLETED');
    const activities = await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}`);
    const ids = activities.body.map((a: { activityId: string }) => a.activityId);
    expect(ids).toContain('Boundary_Risk');
    expect(ids).toContain('EndFailed');
    const risky = activities.body.find((a: { activityId: string }) => a.activityId === 'Task_Risky');
    expect(risky.canceled).toBe(true);
    const vars = await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${id}`);
    const names = vars.body.map((v: { name: string }) => v.name);
    expect(names).toEqual(expect.arrayContaining(['errorCode', 'riskScore']));
  });
});
