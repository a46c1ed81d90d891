/**
 * Execution details Camunda 7 users rely on: what a call activity passes, evaluated error
 * messages, escalation and error code variables, expressions in task and message names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, completed, deploy, endedAt, eventually, start, startServer, visited, type TestServer } from './helpers.js';

describe('execute like Camunda 7', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'call-mappings.bpmn');
    await deploy(t.base, 'codes-and-names.bpmn');
    await deploy(t.base, 'local-correlation.bpmn');
    await deploy(t.base, 'signal-payload.bpmn');
  });
  afterAll(() => t.close());

  it('a call activity passes only its camunda:in mappings; an undefined source passes null, both ways', async () => {
    const parent = await start(t.base, 'CallMappingsParent', { amount: { value: 7, type: 'Integer' }, unrelated: { value: 'x', type: 'String' } });
    const child = await eventually(async () => (await call(t.base, 'GET', `/process-instance?superProcessInstance=${parent}`)).body[0]);
    const vars = (await call(t.base, 'GET', `/process-instance/${child.id}/variables`)).body;
    // the input parameter stays local to the call activity; unrelated parent variables are not passed
    expect(Object.keys(vars).sort()).toEqual(['amount', 'fromLocal', 'passedNull']);
    expect(vars.amount).toMatchObject({ value: 7 });
    expect(vars.passedNull).toMatchObject({ value: null, type: 'Null' });
    expect(vars.fromLocal).toMatchObject({ value: 'stays here' });
    const task = (await call(t.base, 'GET', `/task?processInstanceId=${child.id}`)).body[0];
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, { variables: { childResult: { value: 'done', type: 'String' } } })).status).toBe(204);
    await eventually(async () => (await call(t.base, 'GET', `/task?processInstanceId=${parent}`)).body.length === 1);
    const after = (await call(t.base, 'GET', `/process-instance/${parent}/variables`)).body;
    expect(after.result).toMatchObject({ value: 'done' });
    expect(after.outNull).toMatchObject({ value: null, type: 'Null' });
  });

  it('evaluates camunda:errorMessage, sets the error and escalation code variables, evaluates task and message names', async () => {
    const id = await start(t.base, 'CodesAndNames', { amount: { value: 1200, type: 'Integer' }, orderId: { value: 42, type: 'Integer' } });
    const vars = (await call(t.base, 'GET', `/process-instance/${id}/variables`)).body;
    expect(vars.escalated).toMatchObject({ value: 'LATE' });
    expect(vars.code).toMatchObject({ value: 'TOO_HIGH' });
    // the message, not the error's name
    expect(vars.message).toMatchObject({ value: 'Amount 1200 is too high' });

    const tasks = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body as Array<{ id: string; name: string }>;
    expect(tasks.map((task) => task.name).sort()).toEqual(['Review 0', 'Review 1']);
    for (const task of tasks) expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);

    const subscription = (await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}&eventType=message`)).body[0];
    expect(subscription).toMatchObject({ eventName: 'invoice-42', activityId: 'WaitInvoice' });
    expect((await call(t.base, 'POST', '/message', { messageName: 'invoice-42' })).status).toBe(204);
    expect((await endedAt(t.base, id)).sort()).toEqual(['End', 'LateNoted']);
  });

  it('localCorrelationKeys match the variables of the waiting execution itself, not process variables', async () => {
    const a = await start(t.base, 'LocalCorrelation', { order: { value: 'A', type: 'String' } });
    const b = await start(t.base, 'LocalCorrelation', { order: { value: 'B', type: 'String' } });
    // `order` is a process variable: no waiting execution has it locally
    const byProcessVariable = await call(t.base, 'POST', '/message', { messageName: 'shipped', localCorrelationKeys: { order: { value: 'B', type: 'String' } } });
    expect(byProcessVariable.status).toBe(400);
    expect(byProcessVariable.body.message).toMatch(/^Cannot correlate message 'shipped'/);
    const res = await call(t.base, 'POST', '/message', {
      messageName: 'shipped', localCorrelationKeys: { parcel: { value: 'B-parcel', type: 'String' } }, resultEnabled: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { execution: { processInstanceId: string } }) => r.execution.processInstanceId)).toEqual([b]);
    expect(await endedAt(t.base, b)).toEqual(['End']);
    expect((await call(t.base, 'GET', `/execution?processInstanceId=${a}&activityId=WaitShipped`)).body).toHaveLength(1);
  });

  it('a thrown signal carries its camunda:in mappings (source, sourceExpression, undefined = null, variables="all")', async () => {
    const waiter = await start(t.base, 'ClosedWaiter');
    const thrower = await start(t.base, 'SignalThrower', { orderId: { value: 'o-9', type: 'String' }, amount: { value: 21, type: 'Integer' } });
    const started = await eventually(async () => (await call(t.base, 'GET', '/process-instance?processDefinitionKey=PaidStarter')).body[0]);
    const passed = (await call(t.base, 'GET', `/process-instance/${started.id}/variables`)).body;
    expect(Object.keys(passed).sort()).toEqual(['double', 'none', 'order']);
    expect(passed).toMatchObject({ order: { value: 'o-9' }, double: { value: 42 }, none: { value: null, type: 'Null' } });
    await eventually(async () => (await call(t.base, 'GET', `/task?processInstanceId=${waiter}`)).body.length === 1);
    const caught = (await call(t.base, 'GET', `/process-instance/${waiter}/variables`)).body;
    expect(caught).toMatchObject({ orderId: { value: 'o-9' }, amount: { value: 21 } });
    await completed(t.base, thrower);
    expect(await visited(t.base, thrower)).toEqual(['ThrowerStart', 'ThrowPaid', 'ThrowClosed']);
  });
});
