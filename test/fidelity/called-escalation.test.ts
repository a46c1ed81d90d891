/**
 * Escalations thrown in a called process reach the call activity in the caller, as in Camunda 7
 * (EscalationEventTest.testPropagateOutputVariablesWhileCatch*EscalationOnCallActivity): a boundary
 * event there catches it, the call activity's camunda:out mappings pass the child's variables
 * first, and all of it happens in the command that started the child.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deploy, start, startServer, type TestServer } from './helpers.js';

type Task = { id: string; taskDefinitionKey: string };

describe('escalations out of a called process', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'called-escalation.bpmn');
  });
  afterAll(() => t.close());

  const tasksOf = async (id: string): Promise<string[]> =>
    ((await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body as Task[]).map((task) => task.taskDefinitionKey).sort();
  const variable = async (id: string, name: string) => (await call(t.base, 'GET', `/process-instance/${id}/variables/${name}`)).body;
  const childOf = async (id: string) => (await call(t.base, 'GET', `/process-instance?superProcessInstance=${id}`)).body as Array<{ id: string }>;

  it('a non-interrupting boundary on the call activity catches it with the output variables passed; the child goes on', async () => {
    const parent = await start(t.base, 'CatchesAlongside', { input: { value: 42, type: 'Integer' } });
    expect(await tasksOf(parent)).toEqual(['AfterEscalation']);
    expect(await variable(parent, 'output')).toMatchObject({ value: 42 });
    expect(await variable(parent, 'lateCode')).toMatchObject({ value: 'LATE' });
    const [child] = await childOf(parent);
    expect(await tasksOf(child!.id)).toEqual(['ChildWork']);
    // the call activity is still waiting for the child, which ends it as usual
    const work = (await call(t.base, 'GET', `/task?processInstanceId=${child!.id}`)).body[0] as Task;
    expect((await call(t.base, 'POST', `/task/${work.id}/complete`, {})).status).toBe(204);
    const after = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${parent}&activityId=CallAlongside`)).body[0];
    expect(after.endTime).not.toBeNull();
    expect(await tasksOf(parent)).toEqual(['AfterEscalation']);
  });

  it('an interrupting boundary cancels the call activity and the child, after passing the output variables', async () => {
    const parent = await start(t.base, 'CatchesInterrupting', { input: { value: 7, type: 'Integer' } });
    expect(await tasksOf(parent)).toEqual(['Interrupted']);
    expect(await variable(parent, 'output')).toMatchObject({ value: 7 });
    expect(await childOf(parent)).toEqual([]);
    expect((await call(t.base, 'GET', '/task?taskDefinitionKey=ChildWork')).body).toEqual([]);
  });

  it('a caller that does not catch it passes it on to its own caller', async () => {
    const top = await start(t.base, 'CatchesTwoLevelsUp', { input: { value: 1, type: 'Integer' } });
    expect(await tasksOf(top)).toEqual(['TopHandles']);
    expect(await childOf(top)).toEqual([]);
    expect((await call(t.base, 'GET', '/process-instance?processDefinitionKey=EscalatingChild')).body).toEqual([]);
  });

  it('nobody catches it: the child goes on and the caller waits, without an incident', async () => {
    const middle = await start(t.base, 'PassesThrough', { input: { value: 3, type: 'Integer' } });
    const [child] = await childOf(middle);
    expect(await tasksOf(child!.id)).toEqual(['ChildWork']);
    expect((await call(t.base, 'GET', `/process-instance/${middle}/activity-instances`)).body.childActivityInstances.map((a: { activityId: string }) => a.activityId)).toEqual(['CallFromMiddle']);
    expect((await call(t.base, 'GET', '/incident')).body).toEqual([]);
  });
});
