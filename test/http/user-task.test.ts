import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, startServer, type TestServer } from './helpers.js';

describe('user tasks over REST', () => {
  let t: TestServer;
  let instanceId = '';
  let taskId = '';
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'user-task.c7.bpmn');
    const res = await call(t.base, 'POST', '/process-definition/key/UserTaskC7/start', {
      businessKey: 'model-7',
      variables: { reviewer: { value: '' }, dueDate: { value: '2030-01-02T03:04:05.000+0000', type: 'String' }, modelVersion: { value: 7, type: 'Integer' } },
    });
    instanceId = res.body.id;
  });
  afterAll(() => t.close());

  it('lists tasks by candidate group and reads one with Camunda TaskDto fields', async () => {
    const list = await call(t.base, 'GET', '/task?candidateGroup=reviewers');
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    const task = list.body[0];
    taskId = task.id;
    expect(task).toMatchObject({
      name: 'Review', assignee: null, priority: 60, processInstanceId: instanceId, taskDefinitionKey: 'Task_Review',
      formKey: 'embedded:app:forms/review.html', due: '2030-01-02T03:04:05.000+0000', suspended: false,
    });
    expect(task.created).toMatch(/\+0000$/);
    expect((await call(t.base, 'GET', `/task/${taskId}`)).body.id).toBe(taskId);
    expect((await call(t.base, 'GET', '/task/count?processDefinitionKey=UserTaskC7')).body.count).toBe(1);
    expect((await call(t.base, 'GET', '/task?candidateGroup=other')).body).toEqual([]);
    expect((await call(t.base, 'GET', `/task?processInstanceId=${instanceId}&taskDefinitionKey=Task_Review&sortBy=created&sortOrder=desc&maxResults=5&firstResult=0`)).body).toHaveLength(1);
  });

  it('claims, refuses a second claimant, unclaims and sets the assignee', async () => {
    expect((await call(t.base, 'POST', `/task/${taskId}/claim`, { userId: 'alice' })).status).toBe(204);
    expect((await call(t.base, 'GET', '/task?assignee=alice')).body).toHaveLength(1);
    // candidate queries leave out assigned tasks unless asked
    expect((await call(t.base, 'GET', '/task?candidateGroup=reviewers')).body).toHaveLength(0);
    expect((await call(t.base, 'GET', '/task?candidateGroup=reviewers&includeAssignedTasks=true')).body).toHaveLength(1);
    const second = await call(t.base, 'POST', `/task/${taskId}/claim`, { userId: 'bob' });
    expect(second.status).toBe(400);
    expect(second.body.message).toMatch(/already claimed by 'alice'/);
    expect((await call(t.base, 'POST', `/task/${taskId}/unclaim`)).status).toBe(204);
    expect((await call(t.base, 'GET', `/task/${taskId}`)).body.assignee).toBeNull();
    expect((await call(t.base, 'PUT', `/task/${taskId}/assignee`, { userId: 'carol' })).status).toBe(204);
    expect((await call(t.base, 'POST', `/task/${taskId}/assignee`, { userId: 'alice' })).status).toBe(204);
    expect((await call(t.base, 'GET', `/task/${taskId}`)).body.assignee).toBe('alice');
  });

  it('shows the visible variables as form variables', async () => {
    const res = await call(t.base, 'GET', `/task/${taskId}/form-variables`);
    expect(res.body.modelVersion).toEqual({ type: 'Integer', value: 7, valueInfo: {} });
    const some = await call(t.base, 'GET', `/task/${taskId}/form-variables?variableNames=modelVersion`);
    expect(Object.keys(some.body)).toEqual(['modelVersion']);
  });

  it('completes with typed variables; the instance ends and history records who did what', async () => {
    const res = await call(t.base, 'POST', `/task/${taskId}/complete`, {
      variables: { approved: { value: true, type: 'Boolean' }, comment: { value: 'looks good', type: 'String' }, approvedAt: { value: '2024-05-01T10:15:00.000+0200', type: 'Date' } },
    });
    expect(res.status).toBe(204);
    expect((await call(t.base, 'GET', `/task/${taskId}`)).status).toBe(404);
    expect((await call(t.base, 'GET', `/process-instance/${instanceId}`)).status).toBe(404);
    const history = await call(t.base, 'GET', `/history/task?processInstanceId=${instanceId}`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0]).toMatchObject({ id: taskId, assignee: 'alice', taskDefinitionKey: 'Task_Review', deleteReason: 'completed', name: 'Review' });
    expect(history.body[0].endTime).toMatch(/\+0000$/);
    const vars = await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${instanceId}&variableName=approvedAt`);
    expect(vars.body[0]).toMatchObject({ type: 'Date', value: '2024-05-01T08:15:00.000+0000' });
    const pi = await call(t.base, 'GET', `/history/process-instance?processInstanceId=${instanceId}`);
    expect(pi.body[0]).toMatchObject({ state: 'COMPLETED', businessKey: 'model-7', processDefinitionKey: 'UserTaskC7' });
    expect((await call(t.base, 'GET', '/history/task/count?finished=true')).body.count).toBe(1);
  });

  it('refuses sortBy without sortOrder and bad paging values', async () => {
    const res = await call(t.base, 'GET', '/task?sortBy=created');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/sortBy and sortOrder required/);
    expect((await call(t.base, 'GET', '/task?maxResults=abc')).status).toBe(400);
    expect((await call(t.base, 'GET', '/task?sortBy=nonsense&sortOrder=asc')).status).toBe(400);
  });
});
