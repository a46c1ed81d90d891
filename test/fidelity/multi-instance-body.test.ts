/**
 * The multi-instance body is an activity instance of its own, as in Camunda 7: the activity tree
 * (`GET /process-instance/{id}/activity-instances`) and the history (`GET /history/activity-instance`)
 * show `<id>#multiInstanceBody` (activityType `multiInstanceBody`) with the iterations as its
 * children; `nrOf*` live on the body, `loopCounter` and the element variable on each iteration;
 * boundary events belong to the body (Camunda's MultiInstanceTest, ActivityInstanceTest).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, deploy, eventually, start, startServer, type TestServer } from './helpers.js';
import { fixture, modelerDeploy } from '../http/helpers.js';

interface Tree {
  id: string;
  activityId: string;
  activityType: string;
  activityName: string | null;
  parentActivityInstanceId: string;
  childActivityInstances: Tree[];
}
interface HistoricActivity {
  id: string;
  activityId: string;
  activityType: string;
  activityName: string | null;
  parentActivityInstanceId: string;
  endTime: string | null;
  canceled: boolean;
}

let t: TestServer;
beforeEach(async () => {
  t = await startServer();
});
afterEach(() => t.close());

const tree = async (id: string): Promise<Tree> => {
  const res = await call(t.base, 'GET', `/process-instance/${id}/activity-instances`);
  expect(res.status).toBe(200);
  return res.body as Tree;
};
const historyOf = async (id: string): Promise<HistoricActivity[]> =>
  (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&sortBy=startTime&sortOrder=asc`)).body as HistoricActivity[];
/** The tree as [activityId, activityType, children] triples, children sorted, for readable assertions. */
const shape = (node: Tree): unknown => [node.activityId, node.activityType, node.childActivityInstances.map(shape)];
const localVariables = async (scopeId: string): Promise<Record<string, unknown>> => {
  const rows = (await call(t.base, 'GET', `/variable-instance?activityInstanceIdIn=${scopeId}`)).body as Array<{ name: string; value: unknown }>;
  return Object.fromEntries(rows.map((r) => [r.name, r.value]).sort(([a], [b]) => String(a).localeCompare(String(b))));
};
const tasksOf = async (id: string): Promise<Array<{ id: string; taskDefinitionKey: string; assignee: string | null }>> =>
  (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body;

describe('multi-instance body in the Camunda 7 activity tree and history', () => {
  it('parallel over a collection: the body wraps the iterations, nrOf* on the body, loopCounter and element variable on each iteration', async () => {
    await deploy(t.base, 'multi-instance-body.bpmn');
    const id = await start(t.base, 'MiBodyReview', { reviewers: { value: JSON.stringify(['ann', 'bob', 'cem']), type: 'Json' } });
    const root = await tree(id);
    expect(shape(root)).toEqual([root.activityId, 'processDefinition', [
      ['Review#multiInstanceBody', 'multiInstanceBody', [['Review', 'userTask', []], ['Review', 'userTask', []], ['Review', 'userTask', []]]],
    ]]);
    const body = root.childActivityInstances[0]!;
    expect(body).toMatchObject({ parentActivityInstanceId: id, activityName: null });
    for (const iteration of body.childActivityInstances) expect(iteration).toMatchObject({ parentActivityInstanceId: body.id, activityName: 'Review' });

    expect(await localVariables(body.id)).toEqual({ nrOfActiveInstances: 3, nrOfCompletedInstances: 0, nrOfInstances: 3 });
    const perIteration = await Promise.all(body.childActivityInstances.map((i) => localVariables(i.id)));
    expect(perIteration.map((v) => [v.loopCounter, v.reviewer]).sort()).toEqual([[0, 'ann'], [1, 'bob'], [2, 'cem']]);
    expect(perIteration.every((v) => !('nrOfInstances' in v))).toBe(true);
    expect((await tasksOf(id)).map((task) => task.assignee).sort()).toEqual(['ann', 'bob', 'cem']);

    // the completion condition (2 of 3) ends the body and cancels the third iteration
    const [first, second] = await tasksOf(id);
    for (const task of [first!, second!]) expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    expect(shape(await tree(id))).toEqual([root.activityId, 'processDefinition', [['Sign#multiInstanceBody', 'multiInstanceBody', [['Sign', 'userTask', []]]]]]);

    const history = await historyOf(id);
    const bodyRows = history.filter((h) => h.activityId === 'Review#multiInstanceBody');
    expect(bodyRows).toEqual([expect.objectContaining({ id: body.id, activityType: 'multiInstanceBody', activityName: null, parentActivityInstanceId: id, canceled: false })]);
    expect(bodyRows[0]!.endTime).not.toBeNull();
    const iterations = history.filter((h) => h.activityId === 'Review');
    expect(iterations).toHaveLength(3);
    expect(iterations.every((h) => h.activityType === 'userTask' && h.parentActivityInstanceId === body.id && h.endTime !== null)).toBe(true);
    expect(iterations.filter((h) => h.canceled)).toHaveLength(1);
    const filtered = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityType=multiInstanceBody`)).body as HistoricActivity[];
    expect(filtered.map((h) => h.activityId)).toEqual(['Review#multiInstanceBody', 'Sign#multiInstanceBody']);
    expect((await call(t.base, 'GET', `/history/activity-instance/count?activityId=Review%23multiInstanceBody&processInstanceId=${id}`)).body).toEqual({ count: 1 });
  });

  it('sequential with a cardinality: one iteration at a time under the same body, counters move on the body', async () => {
    await deploy(t.base, 'multi-instance-body.bpmn');
    const id = await start(t.base, 'MiBodyReview', { reviewers: { value: JSON.stringify(['ann', 'bob']), type: 'Json' } });
    for (const task of await tasksOf(id)) await call(t.base, 'POST', `/task/${task.id}/complete`, {});
    const body = (await tree(id)).childActivityInstances[0]!;
    expect(body.activityId).toBe('Sign#multiInstanceBody');
    const firstIteration = body.childActivityInstances[0]!.id;
    expect(await localVariables(firstIteration)).toEqual({ loopCounter: 0 });
    expect(await localVariables(body.id)).toEqual({ nrOfActiveInstances: 1, nrOfCompletedInstances: 0, nrOfInstances: 2 });

    await call(t.base, 'POST', `/task/${(await tasksOf(id))[0]!.id}/complete`, {});
    const again = (await tree(id)).childActivityInstances[0]!;
    expect(again.id).toBe(body.id);
    expect(again.childActivityInstances).toHaveLength(1);
    expect(again.childActivityInstances[0]!.id).not.toBe(firstIteration);
    expect(await localVariables(again.childActivityInstances[0]!.id)).toEqual({ loopCounter: 1 });
    expect(await localVariables(body.id)).toEqual({ nrOfActiveInstances: 1, nrOfCompletedInstances: 1, nrOfInstances: 2 });

    await call(t.base, 'POST', `/task/${(await tasksOf(id))[0]!.id}/complete`, {});
    const history = await historyOf(id);
    expect(history.filter((h) => h.activityId === 'Sign#multiInstanceBody')).toHaveLength(1);
    expect(history.filter((h) => h.activityId === 'Sign').every((h) => h.parentActivityInstanceId === body.id)).toBe(true);
    expect(history.at(-1)).toMatchObject({ activityId: 'End', activityType: 'noneEndEvent' });
  });

  it('a boundary event on a multi-instance activity is attached to the body: one subscription, and it cancels every iteration', async () => {
    await deploy(t.base, 'multi-instance-body.bpmn');
    const id = await start(t.base, 'MiBodyReview', { reviewers: { value: JSON.stringify(['ann', 'bob', 'cem']), type: 'Json' } });
    const body = (await tree(id)).childActivityInstances[0]!;
    const subscriptions = (await call(t.base, 'GET', `/event-subscription?processInstanceId=${id}`)).body as Array<{ activityId: string; executionId: string; eventName: string }>;
    expect(subscriptions).toEqual([expect.objectContaining({ activityId: 'Withdrawn', eventName: 'withdraw', executionId: body.id })]);

    expect((await call(t.base, 'POST', '/message', { messageName: 'withdraw', processInstanceId: id })).status).toBe(204);
    const history = await historyOf(id);
    expect(history.find((h) => h.activityId === 'Review#multiInstanceBody')).toMatchObject({ canceled: true });
    expect(history.filter((h) => h.activityId === 'Review').map((h) => h.canceled)).toEqual([true, true, true]);
    expect(history.at(-1)).toMatchObject({ activityId: 'End_Withdrawn' });
    expect(await tasksOf(id)).toEqual([]);
  });

  it('nested in a sub-process: sub-process → body → iterations; the external tasks belong to the iterations', async () => {
    await deploy(t.base, 'multi-instance-nested.bpmn');
    const id = await start(t.base, 'MiBodyNested', { count: { value: 2, type: 'Integer' } });
    const root = await tree(id);
    expect(shape(root)).toEqual([root.activityId, 'processDefinition', [
      ['Sub', 'subProcess', [['Score#multiInstanceBody', 'multiInstanceBody', [['Score', 'serviceTask', []], ['Score', 'serviceTask', []]]]]],
    ]]);
    const body = root.childActivityInstances[0]!.childActivityInstances[0]!;
    expect(body.parentActivityInstanceId).toBe(root.childActivityInstances[0]!.id);
    const locked = (await call(t.base, 'POST', '/external-task/fetchAndLock', { workerId: 'w', maxTasks: 5, topics: [{ topicName: 'score', lockDuration: 60_000 }] })).body as Array<{ id: string; activityId: string; activityInstanceId: string }>;
    expect(locked.map((x) => x.activityId)).toEqual(['Score', 'Score']);
    expect(locked.map((x) => x.activityInstanceId).sort()).toEqual(body.childActivityInstances.map((i) => i.id).sort());
    for (const task of locked) expect((await call(t.base, 'POST', `/external-task/${task.id}/complete`, { workerId: 'w' })).status).toBe(204);
    const history = (await eventually(async () => {
      const rows = await historyOf(id);
      return rows.some((h) => h.activityId === 'End') ? rows : undefined;
    }))!;
    expect(history.find((h) => h.activityId === 'Score#multiInstanceBody')).toMatchObject({ id: body.id, parentActivityInstanceId: root.childActivityInstances[0]!.id, canceled: false });
  });

  it('a BPMN error from one iteration is caught by the error boundary event on the body: every iteration ends', async () => {
    await deploy(t.base, 'multi-instance-nested.bpmn');
    const id = await start(t.base, 'MiBodyNested', { count: { value: 3, type: 'Integer' } });
    const locked = (await call(t.base, 'POST', '/external-task/fetchAndLock', { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'score', lockDuration: 60_000 }] })).body as Array<{ id: string }>;
    expect((await call(t.base, 'POST', `/external-task/${locked[0]!.id}/bpmnError`, { workerId: 'w', errorCode: 'SCORE_FAILED' })).status).toBe(204);
    const history = (await eventually(async () => {
      const rows = await historyOf(id);
      return rows.some((h) => h.activityId === 'End') ? rows : undefined;
    }))!;
    expect(history.find((h) => h.activityId === 'Score#multiInstanceBody')).toMatchObject({ canceled: true });
    expect(history.filter((h) => h.activityId === 'Score').map((h) => h.canceled)).toEqual([true, true, true]);
    expect(history.map((h) => h.activityId)).toContain('Sub_Failed');
    expect(history.map((h) => h.activityId)).not.toContain('Sub_End');
    expect((await call(t.base, 'GET', `/external-task?processInstanceId=${id}`)).body).toEqual([]);
  });

  it('a multi-instance sub-process and a multi-instance call activity show their body too', async () => {
    for (const name of ['multi-instance-subprocess.c7.bpmn', 'multi-instance-call.c7.bpmn', 'call-activity-child.c7.bpmn']) {
      expect((await modelerDeploy(t.base, name, fixture(name))).status).toBe(200);
    }
    const sub = await start(t.base, 'MultiInstanceSubC7', { reviewers: { value: JSON.stringify(['ann', 'bob']), type: 'Json' } });
    const subTree = await tree(sub);
    expect(shape(subTree)).toEqual([subTree.activityId, 'processDefinition', [
      ['Sub_Review#multiInstanceBody', 'multiInstanceBody', [['Sub_Review', 'subProcess', [['Task_Vote', 'userTask', []]]], ['Sub_Review', 'subProcess', [['Task_Vote', 'userTask', []]]]]],
    ]]);
    // the deadline timer waits once, on the body
    const timers = (await call(t.base, 'GET', `/job?processInstanceId=${sub}&timers=true`)).body as Array<{ executionId: string }>;
    expect(timers.map((j) => j.executionId)).toEqual([subTree.childActivityInstances[0]!.id]);

    const calling = await start(t.base, 'MultiInstanceCallC7', { models: { value: JSON.stringify(['a', 'b']), type: 'Json' } });
    const callTree = await tree(calling);
    expect(shape(callTree)).toEqual([callTree.activityId, 'processDefinition', [['Call_Each#multiInstanceBody', 'multiInstanceBody', [['Call_Each', 'callActivity', []]]]]]);
    const iteration = callTree.childActivityInstances[0]!.childActivityInstances[0]!;
    expect(await localVariables(iteration.id)).toMatchObject({ loopCounter: 0, model: 'a' });
  });
});
