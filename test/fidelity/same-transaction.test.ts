/**
 * What Camunda 7 does in one transaction we do in one command: a called instance's end continues
 * its caller, and a thrown signal reaches every receiver, before the REST call that caused it
 * answers. Every check reads right after the call, without polling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deploy, start, startServer, type TestServer } from './helpers.js';

type Task = { id: string; taskDefinitionKey: string };

describe('one transaction, as in Camunda 7', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deploy(t.base, 'same-transaction.bpmn');
  });
  afterAll(() => t.close());

  const tasksOf = async (query: string): Promise<string[]> =>
    ((await call(t.base, 'GET', `/task?${query}`)).body as Task[]).map((task) => task.taskDefinitionKey).sort();
  const historyState = async (id: string): Promise<string> => (await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state;

  it('completing the called instance\'s last task answers with its caller already continued', async () => {
    const parent = await start(t.base, 'SameTxParent');
    const child = (await call(t.base, 'GET', `/process-instance?superProcessInstance=${parent}`)).body[0].id as string;
    const review = (await call(t.base, 'GET', `/task?processInstanceId=${child}`)).body[0] as Task;
    const res = await call(t.base, 'POST', `/task/${review.id}/complete`, { variables: { decision: { value: 'approve', type: 'String' } } });
    expect(res.status).toBe(204);
    // no polling: the child's end and the parent's next step committed with the completion
    expect(await tasksOf(`processInstanceId=${parent}`)).toEqual(['Approved']);
    expect(await historyState(child)).toBe('COMPLETED');
    const tree = (await call(t.base, 'GET', `/process-instance/${parent}/activity-instances`)).body;
    expect(tree.childActivityInstances.map((a: { activityId: string }) => a.activityId)).toEqual(['Approved']);
    const callRow = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${parent}&activityId=CallChild`)).body[0];
    expect(callRow.endTime).not.toBeNull();
    expect((await call(t.base, 'GET', `/process-instance/${parent}/variables/decision`)).body).toMatchObject({ value: 'approve' });
    expect((await call(t.base, 'GET', '/job')).body).toEqual([]);
  });

  it('through the engine API too: the promise resolves with the parent moved on (nothing left for a job)', async () => {
    const parent = await t.engine.start('SameTxParent');
    const child = t.engine.core.runtime.getInstance((await call(t.base, 'GET', `/process-instance?superProcessInstance=${parent.id}`)).body[0].id)!;
    const review = (await call(t.base, 'GET', `/task?processInstanceId=${child.id}`)).body[0] as Task;
    await t.engine.completeTask(review.id, { decision: 'reject' });
    // read synchronously after the commit, before any job could have run
    expect(t.engine.core.runtime.getInstance(child.id)?.state).toBe('completed');
    expect(t.engine.core.runtime.getInstance(parent.id)).toMatchObject({ state: 'completed', endElementId: 'Rejected' });
  });

  it('a parallel multi-instance call activity whose 300 children end at once completes in the start itself', async () => {
    const id = await start(t.base, 'ParallelCalls', { count: { value: 300, type: 'Integer' } });
    expect(await tasksOf(`processInstanceId=${id}`)).toEqual(['AllDone']);
    expect((await call(t.base, 'GET', '/history/process-instance/count?processDefinitionKey=InstantChild&finished=true')).body.count).toBe(300);
    const rows = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}&activityId=CallEach&maxResults=1000`)).body as Array<{ endTime: string | null }>;
    expect(rows.filter((row) => row.endTime !== null).length).toBeGreaterThanOrEqual(300);
    expect((await call(t.base, 'GET', `/process-instance/${id}/variables/doubled`)).body).toMatchObject({ type: 'Integer' });
    expect((await call(t.base, 'GET', '/job')).body).toEqual([]);
  });

  it('a call chain 40 deep unwinds to the top in the command that completes the bottom task', async () => {
    const top = await start(t.base, 'ChainLevel', { level: { value: 1, type: 'Integer' }, depth: { value: 40, type: 'Integer' } });
    const bottom = (await call(t.base, 'GET', '/task?taskDefinitionKey=Bottom')).body as Task[];
    expect(bottom).toHaveLength(1);
    expect((await call(t.base, 'GET', '/process-instance/count?processDefinitionKey=ChainLevel')).body.count).toBe(40);
    const res = await call(t.base, 'POST', `/task/${bottom[0]!.id}/complete`, { variables: { reached: { value: 40, type: 'Integer' } } });
    expect(res.status).toBe(204);
    expect((await call(t.base, 'GET', '/process-instance/count?processDefinitionKey=ChainLevel')).body.count).toBe(0);
    expect(await historyState(top)).toBe('COMPLETED');
    const reached = (await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${top}&variableName=reached`)).body;
    expect(reached).toMatchObject([{ value: 40 }]);
  });

  it('a thrown signal reaches catch events, boundary events, event sub-processes and signal starts before the call answers', async () => {
    const catcher = await start(t.base, 'SignalCatchTx');
    const boundary = await start(t.base, 'SignalBoundaryTx');
    const eventSub = await start(t.base, 'SignalEventSubTx');
    const thrower = await start(t.base, 'SignalThrowerTx');
    expect((await call(t.base, 'GET', '/process-instance/count?processDefinitionKey=SignalStartTx')).body.count).toBe(0);
    const prepare = (await call(t.base, 'GET', `/task?processInstanceId=${thrower}`)).body[0] as Task;
    expect((await call(t.base, 'POST', `/task/${prepare.id}/complete`, {})).status).toBe(204);

    expect(await historyState(thrower)).toBe('COMPLETED');
    expect(await tasksOf(`processInstanceId=${catcher}`)).toEqual(['AfterSignal']);
    expect(await tasksOf(`processInstanceId=${boundary}`)).toEqual(['Interrupted']);
    expect(await tasksOf(`processInstanceId=${eventSub}`)).toEqual(['InSub', 'Working']);
    expect(await tasksOf('processDefinitionKey=SignalStartTx')).toEqual(['Started']);
    expect((await call(t.base, 'GET', '/job')).body).toEqual([]);
  });
});
