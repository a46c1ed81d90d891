import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, startServer, type TestServer } from './helpers.js';

/** Standard loops and ad-hoc sub-processes deployed as Camunda Modeler saves them, driven over /engine-rest. */
describe('standard loops and ad-hoc sub-processes over /engine-rest', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'standard-loop.c7.bpmn');
    await deployFixture(t.base, 'ad-hoc.c7.bpmn');
  });
  afterAll(() => t.close());

  const tasksOf = async (instanceId: string) => (await call(t.base, 'GET', `/task?processInstanceId=${instanceId}`)).body as Array<{ id: string; name: string; taskDefinitionKey: string; executionId: string }>;

  it('a standard loop: each review is a new task and activity instance with its own loopCounter, until approved', async () => {
    const started = await call(t.base, 'POST', '/process-definition/key/StandardLoopC7/start', {
      variables: { trials: { value: 0, type: 'Integer' }, approved: { value: false, type: 'Boolean' } },
    });
    expect(started.status).toBe(200);
    const id = started.body.id as string;
    const counters: unknown[] = [];
    const names: string[] = [];
    for (const approved of [false, false, true]) {
      const [task] = await tasksOf(id);
      names.push(task!.name);
      counters.push((await call(t.base, 'GET', `/task/${task!.id}/variables/loopCounter`)).body.value);
      expect((await call(t.base, 'POST', `/task/${task!.id}/complete`, { variables: { approved: { value: approved, type: 'Boolean' } } })).status).toBe(204);
    }
    expect(names).toEqual(['Review model 0', 'Review model 1', 'Review model 2']);
    expect(counters).toEqual([0, 1, 2]);
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
    const reviews = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityId=Task_Review`)).body as Array<{ id: string; parentActivityInstanceId: string; endTime: string | null }>;
    // the loop activity and its three iterations inside it
    const loop = reviews.find((r) => r.parentActivityInstanceId === id)!;
    expect(reviews.filter((r) => r.parentActivityInstanceId === loop.id)).toHaveLength(3);
    expect(reviews.every((r) => r.endTime !== null)).toBe(true);
    const tune = (await call(t.base, 'GET', `/history/activity-instance/count?processInstanceId=${id}&activityId=Task_Tune`)).body.count;
    expect(tune).toBe(4); // three iterations (trials 0 → 3) and the loop
    expect((await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${id}&variableName=trials`)).body[0].value).toBe(3);
  });

  it('a timer boundary event on the loop belongs to the loop: firing it ends the running iteration and the loop', async () => {
    const started = await call(t.base, 'POST', '/process-definition/key/StandardLoopC7/start', {
      variables: { trials: { value: 3, type: 'Integer' }, approved: { value: false, type: 'Boolean' } },
    });
    const id = started.body.id as string;
    const [first] = await tasksOf(id);
    expect((await call(t.base, 'POST', `/task/${first!.id}/complete`, { variables: { approved: { value: false, type: 'Boolean' } } })).status).toBe(204);
    // one timer for the whole loop, armed once: still the same one in the second iteration
    const timers = (await call(t.base, 'GET', `/job?processInstanceId=${id}`)).body as Array<{ id: string; dueDate: string }>;
    expect(timers).toHaveLength(1);
    expect((await call(t.base, 'POST', `/job/${timers[0]!.id}/execute`)).status).toBe(204);
    expect(await tasksOf(id)).toEqual([]);
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
    const ended = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityId=Task_Review`)).body as Array<{ canceled: boolean }>;
    expect(ended.map((r) => r.canceled).sort()).toEqual([false, true, true]); // the first review completed; the second and the loop cancelled
    expect((await call(t.base, 'GET', `/history/activity-instance/count?processInstanceId=${id}&activityId=End_Expired`)).body.count).toBe(1);
  });

  it('an ad-hoc sub-process: every activity without incoming flow is a task at once; rejecting one cancels the rest', async () => {
    const started = await call(t.base, 'POST', '/process-definition/key/AdHocC7/start', { variables: { rejected: { value: false, type: 'Boolean' } } });
    const id = started.body.id as string;
    const tasks = await tasksOf(id);
    expect(tasks.map((task) => task.taskDefinitionKey).sort()).toEqual(['Task_Bias', 'Task_Drift', 'Task_Signoff']);
    const tree = (await call(t.base, 'GET', `/process-instance/${id}/activity-instances`)).body;
    expect(tree.childActivityInstances).toEqual([expect.objectContaining({ activityId: 'Checks', activityType: 'adHocSubProcess' })]);
    expect(tree.childActivityInstances[0].childActivityInstances.map((c: { activityId: string }) => c.activityId).sort()).toEqual(['Task_Bias', 'Task_Drift', 'Task_Signoff']);

    const signoff = tasks.find((task) => task.taskDefinitionKey === 'Task_Signoff')!;
    expect((await call(t.base, 'POST', `/task/${signoff.id}/complete`, {})).status).toBe(204);
    const bias = tasks.find((task) => task.taskDefinitionKey === 'Task_Bias')!;
    expect((await call(t.base, 'POST', `/task/${bias.id}/complete`, { variables: { rejected: { value: true, type: 'Boolean' } } })).status).toBe(204);
    expect(await tasksOf(id)).toEqual([]);
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
    const drift = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityId=Task_Drift`)).body;
    expect(drift).toEqual([expect.objectContaining({ canceled: true })]);
    const publish = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityId=Task_Publish`)).body;
    expect(publish).toEqual([expect.objectContaining({ canceled: false, activityType: 'scriptTask' })]);
  });

  it('a sequential ad-hoc sub-process hands one external task at a time to a worker, in document order', async () => {
    const started = await call(t.base, 'POST', '/process-definition/key/AdHocSequentialC7/start', { variables: { enough: { value: false, type: 'Boolean' } } });
    const id = started.body.id as string;
    const order: string[] = [];
    for (;;) {
      const locked = (await call(t.base, 'POST', '/external-task/fetchAndLock', { workerId: 'scorer', maxTasks: 10, topics: [{ topicName: 'score', lockDuration: 10_000 }] })).body as Array<{ id: string; activityId: string }>;
      if (locked.length === 0) break;
      expect(locked).toHaveLength(1);
      order.push(locked[0]!.activityId);
      expect((await call(t.base, 'POST', `/external-task/${locked[0]!.id}/complete`, { workerId: 'scorer', variables: {} })).status).toBe(204);
    }
    expect(order).toEqual(['Task_First', 'Task_Second', 'Task_Third']);
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
  });
});
