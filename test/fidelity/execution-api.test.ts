/**
 * Camunda 7's execution-level REST resources, driven over the real /engine-rest server with the
 * calls Camunda clients and tests make: find an execution, signal it, trigger its message
 * subscription, read and write its local variables, list subscriptions, variables and timer jobs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deploy, eventually, start, startServer, visited, type TestServer } from './helpers.js';

type Execution = { id: string; processInstanceId: string; ended: boolean; tenantId: null };

describe('execution REST resources', () => {
  let t: TestServer;
  let id: string;
  let other: string;
  const executionAt = async (instance: string, activityId: string): Promise<string> => {
    const res = await call(t.base, 'GET', `/execution?processInstanceId=${instance}&activityId=${activityId}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    return (res.body as Execution[])[0]!.id;
  };

  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'execution-api.bpmn');
    id = await start(t.base, 'ExecutionApi', {}, 'order-1');
    other = await start(t.base, 'ExecutionApi', {}, 'order-2');
  });
  afterAll(() => t.close());

  it('GET /execution lists the instance and its element instances, with filters and count', async () => {
    const all = await call(t.base, 'GET', `/execution?processInstanceId=${id}`);
    expect(all.status).toBe(200);
    const executions = all.body as Execution[];
    // the process instance, the six elements waiting after the fork
    expect(executions).toHaveLength(7);
    expect(executions[0]).toEqual({ id, processInstanceId: id, ended: false, tenantId: null });
    expect(executions.every((e) => e.processInstanceId === id)).toBe(true);
    expect((await call(t.base, 'GET', `/execution/count?processInstanceId=${id}`)).body).toEqual({ count: 7 });
    expect((await call(t.base, 'GET', '/execution/count?processDefinitionKey=ExecutionApi')).body).toEqual({ count: 14 });
    expect((await call(t.base, 'GET', '/execution?businessKey=order-2&activityId=Review')).body).toHaveLength(1);
    const paying = await call(t.base, 'GET', `/execution?processInstanceId=${id}&messageEventSubscriptionName=payment`);
    expect(paying.body.map((e: Execution) => e.id)).toEqual([await executionAt(id, 'WaitPayment')]);
    const alarmed = await call(t.base, 'GET', `/execution?processInstanceId=${id}&signalEventSubscriptionName=alarm`);
    expect(alarmed.body.map((e: Execution) => e.id)).toEqual([await executionAt(id, 'CatchAlarm')]);
    expect((await call(t.base, 'GET', `/execution/${id}`)).body).toEqual({ id, processInstanceId: id, ended: false, tenantId: null });
    const missing = await call(t.base, 'GET', '/execution/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: 'InvalidRequestException', message: 'Execution with id nope does not exist' });
  });

  it('GET /event-subscription lists what executions wait for', async () => {
    const res = await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}`);
    expect(res.status).toBe(200);
    const byActivity = Object.fromEntries((res.body as Array<Record<string, unknown>>).map((s) => [s.activityId, s]));
    expect(byActivity.WaitPayment).toMatchObject({ eventType: 'message', eventName: 'payment', processInstanceId: id, executionId: await executionAt(id, 'WaitPayment'), tenantId: null });
    expect(byActivity.CatchAlarm).toMatchObject({ eventType: 'signal', eventName: 'alarm', executionId: await executionAt(id, 'CatchAlarm') });
    expect(typeof byActivity.WaitPayment!.createdDate).toBe('string');
    expect(Object.keys(byActivity).sort()).toEqual(['CatchAlarm', 'WaitPayment']);
    expect((await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}&eventType=message`)).body).toHaveLength(1);
    expect((await call(t.base, 'GET', '/event-subscription/count?eventName=alarm')).body).toEqual({ count: 2 });
    expect((await call(t.base, 'GET', '/event-subscription?eventType=bogus')).status).toBe(400);
  });

  it('POST /execution/{id}/signal continues a receive task without a message, setting the variables first', async () => {
    const execution = await executionAt(id, 'WaitPlain');
    const res = await call(t.base, 'POST', `/execution/${execution}/signal`, { variables: { signalled: { value: true, type: 'Boolean' } } });
    expect(res.status).toBe(204);
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${id}&activityId=WaitPlain`)).body).toEqual([]);
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/signalled`)).body).toMatchObject({ value: true, type: 'Boolean' });
    // a user task does not wait for a signal
    const review = await executionAt(id, 'Review');
    const refused = await call(t.base, 'POST', `/execution/${review}/signal`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/does not wait for a signal/);
  });

  it('POST /execution/{id}/messageSubscriptions/{name}/trigger delivers to that execution only', async () => {
    const execution = await executionAt(id, 'WaitPayment');
    const wrong = await call(t.base, 'POST', `/execution/${execution}/messageSubscriptions/refund/trigger`, {});
    expect(wrong.status).toBe(400);
    const res = await call(t.base, 'POST', `/execution/${execution}/messageSubscriptions/payment/trigger`, { variables: { amount: { value: 42, type: 'Integer' } } });
    expect(res.status).toBe(204);
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/amount`)).body).toMatchObject({ value: 42 });
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${other}&activityId=WaitPayment`)).body).toHaveLength(1);
  });

  it('POST /signal with executionId reaches only that execution', async () => {
    const execution = await executionAt(id, 'CatchAlarm');
    expect((await call(t.base, 'POST', '/signal', { name: 'alarm', executionId: execution })).status).toBe(204);
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${id}&activityId=CatchAlarm`)).body).toEqual([]);
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${other}&activityId=CatchAlarm`)).body).toHaveLength(1);
    expect((await call(t.base, 'POST', '/signal', { name: 'alarm', executionId: 'nope' })).status).toBe(404);
  });

  it('GET/PUT /execution/{id}/localVariables work on the execution\'s own scope; GET /variable-instance shows where each lives', async () => {
    const review = await executionAt(id, 'Review');
    expect((await call(t.base, 'PUT', `/execution/${review}/localVariables/note`, { value: 'looks fine', type: 'String' })).status).toBe(204);
    expect((await call(t.base, 'GET', `/execution/${review}/localVariables`)).body).toEqual({ note: { value: 'looks fine', type: 'String', valueInfo: {} } });
    expect((await call(t.base, 'GET', `/execution/${review}/localVariables/note`)).body).toMatchObject({ value: 'looks fine' });
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/note`)).status).toBe(404);
    expect((await call(t.base, 'POST', `/execution/${id}/localVariables`, { modifications: { level: { value: 2, type: 'Integer' } } })).status).toBe(204);
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/level`)).body).toMatchObject({ value: 2 });

    const vars = await call(t.base, 'GET', `/variable-instance?processInstanceIdIn=${id}&variableName=note`);
    expect(vars.status).toBe(200);
    expect(vars.body).toEqual([expect.objectContaining({
      id: `${review}:note`, name: 'note', type: 'String', value: 'looks fine', processInstanceId: id, executionId: review, activityInstanceId: review,
    })]);
    expect((await call(t.base, 'GET', `/variable-instance/${review}:note`)).body).toMatchObject({ name: 'note' });
    expect((await call(t.base, 'GET', `/variable-instance/count?executionIdIn=${id}`)).body.count).toBeGreaterThanOrEqual(3);
    expect((await call(t.base, 'DELETE', `/execution/${review}/localVariables/note`)).status).toBe(204);
    expect((await call(t.base, 'GET', `/execution/${review}/localVariables`)).body).toEqual({});
  });

  it('PUT /task/{id}/variables/{name} sets a process variable, /task/{id}/localVariables the task\'s own', async () => {
    const task = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body[0];
    expect((await call(t.base, 'PUT', `/task/${task.id}/variables/approved`, { value: true, type: 'Boolean' })).status).toBe(204);
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/approved`)).body).toMatchObject({ value: true });
    expect((await call(t.base, 'PUT', `/task/${task.id}/localVariables/comment`, { value: 'ok', type: 'String' })).status).toBe(204);
    expect((await call(t.base, 'GET', `/task/${task.id}/localVariables`)).body).toEqual({ comment: { value: 'ok', type: 'String', valueInfo: {} } });
    expect((await call(t.base, 'GET', `/task/${task.id}/variables/comment`)).body).toMatchObject({ value: 'ok' });
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/comment`)).status).toBe(404);
    expect((await call(t.base, 'GET', `/variable-instance?taskIdIn=${task.id}`)).body.map((v: { name: string }) => v.name)).toEqual(['comment']);
    expect((await call(t.base, 'PUT', '/task/nope/localVariables/x', { value: 1 })).status).toBe(404);
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
  });

  it('GET /job?timers=true lists only timers (not external-task work items); POST /job/{id}/execute fires one now', async () => {
    const timers = await call(t.base, 'GET', `/job?timers=true&processInstanceId=${id}`);
    expect(timers.status).toBe(200);
    expect(timers.body).toHaveLength(1);
    expect(timers.body[0]).toMatchObject({ processInstanceId: id, executionId: await executionAt(id, 'Reminder') });
    expect((await call(t.base, 'GET', `/job?messages=true&processInstanceId=${id}`)).body).toEqual([]);
    expect((await call(t.base, 'GET', '/job?timers=true&messages=true')).status).toBe(400);

    expect((await call(t.base, 'POST', `/job/${timers.body[0].id}/execute`)).status).toBe(204);
    // the timer fired in that request: every branch has reached the join
    expect(await visited(t.base, id)).toContain('Done');
    await eventually(async () => (await call(t.base, 'GET', `/execution?processInstanceId=${id}&activityId=Work`)).body.length === 1);
    const work = (await call(t.base, 'GET', `/job?processInstanceId=${id}`)).body.find((j: { id: string; dueDate: string }) => j.id !== timers.body[0].id);
    expect(work).toBeDefined();
    expect((await call(t.base, 'POST', `/job/${work.id}/execute`)).status).toBe(400);
    expect((await call(t.base, 'POST', '/job/nope/execute')).status).toBe(404);
  });
});
