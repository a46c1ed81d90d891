import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, deployFixture, startServer, type TestServer } from '../http/helpers.js';

interface ActivityInstance {
  id: string;
  activityId: string;
  childActivityInstances: ActivityInstance[];
}

describe('process instance modification (Camunda 7 REST)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'modification.c7.bpmn');
    await deployFixture(t.base, 'parallel.c7.bpmn');
  });
  afterAll(() => t.close());

  const start = async (key = 'ModificationC7') => (await call(t.base, 'POST', `/process-definition/key/${key}/start`, {})).body.id as string;
  const tree = async (id: string) => (await call(t.base, 'GET', `/process-instance/${id}/activity-instances`)).body as ActivityInstance;
  /** activity ids of the tree, nested scopes as `Scope>Child` */
  const shape = (node: ActivityInstance, prefix = ''): string[] => node.childActivityInstances.flatMap((c) => [`${prefix}${c.activityId}`, ...shape(c, `${prefix}${c.activityId}>`)]).sort();
  const modify = (id: string, body: unknown) => call(t.base, 'POST', `/process-instance/${id}/modification`, body);
  const tasks = async (id: string) => (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body.map((task: { taskDefinitionKey: string }) => task.taskDefinitionKey).sort();

  it('moves a token: start before another activity and cancel the current one, in one call', async () => {
    const id = await start();
    const prepare = (await tree(id)).childActivityInstances[0]!;
    expect(prepare.activityId).toBe('Prepare');
    const res = await modify(id, {
      skipCustomListeners: true,
      annotation: 'skip preparation, the data is ready',
      instructions: [{ type: 'startBeforeActivity', activityId: 'Approve' }, { type: 'cancel', activityInstanceId: prepare.id }],
    });
    expect(res.status).toBe(204);
    expect(shape(await tree(id))).toEqual(['Approve']);
    expect(await tasks(id)).toEqual(['Approve']);

    const history = (await call(t.base, 'GET', `/history/activity-instance?processInstanceId=${id}`)).body as Array<{ activityId: string; canceled: boolean; endTime: string | null }>;
    expect(history.find((h) => h.activityId === 'Prepare')).toMatchObject({ canceled: true });
    expect(history.find((h) => h.activityId === 'Approve')).toMatchObject({ endTime: null });
    const [task] = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body;
    expect((await call(t.base, 'POST', `/task/${task.id}/complete`, {})).status).toBe(204);
    expect((await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state).toBe('COMPLETED');
  });

  it('starting inside a sub-process without an instance creates the sub-process first (its start event does not run)', async () => {
    const id = await start();
    expect((await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'Check', variables: { note: { value: 'rerun', type: 'String', local: true }, reason: { value: 'audit', type: 'String' } } }] })).status).toBe(204);
    expect(shape(await tree(id))).toEqual(['Prepare', 'Validation', 'Validation>Check']);
    const vars = (await call(t.base, 'GET', `/process-instance/${id}/variables`)).body;
    expect(vars.reason).toMatchObject({ value: 'audit' });
    expect(vars.note).toBeUndefined();
    // a second token in the same sub-process instance, after the running Check (ValidationEnd then waits for nothing)
    const check = (await tree(id)).childActivityInstances.find((c) => c.activityId === 'Validation')!.childActivityInstances[0]!;
    expect((await modify(id, { instructions: [{ type: 'startAfterActivity', activityId: 'Prepare', ancestorActivityInstanceId: id }, { type: 'cancel', activityId: 'Prepare' }] })).status).toBe(204);
    const twice = shape(await tree(id));
    expect(twice).toEqual(['Validation', 'Validation', 'Validation>Check', 'Validation>Check']);
    expect((await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'Check' }] })).body.message)
      .toContain("Cannot perform instruction: Start before activity 'Check'; Ancestor activity instance is ambiguous");
    expect((await modify(id, { instructions: [{ type: 'cancel', activityInstanceId: check.id }] })).status).toBe(204);
    // the emptied sub-process instance went with its last task
    expect(shape(await tree(id))).toEqual(['Validation', 'Validation>Check']);
  });

  it('cancelling the last activity instance ends the instance as cancelled by the modification', async () => {
    const id = await start('ParallelC7');
    const before = await tree(id);
    expect(before.childActivityInstances.length).toBeGreaterThan(1);
    const ids = before.childActivityInstances.map((c) => ({ type: 'cancel', activityInstanceId: c.id }));
    expect((await modify(id, { instructions: ids })).status).toBe(204);
    expect((await call(t.base, 'GET', `/process-instance/${id}`)).status).toBe(404);
    const ended = (await call(t.base, 'GET', `/history/process-instance/${id}`)).body;
    expect(ended).toMatchObject({ state: 'EXTERNALLY_TERMINATED', deleteReason: 'Cancellation due to process instance modification' });
  });

  it('cancel by activity id cancels every instance of it; a start after it in the same call keeps the instance running', async () => {
    const id = await start();
    expect((await modify(id, { instructions: [{ type: 'cancel', activityId: 'Prepare' }, { type: 'startTransition', transitionId: 'Flow_3' }] })).status).toBe(204);
    expect(shape(await tree(id))).toEqual(['Approve']);
  });

  it('refuses bad instructions with Camunda messages and changes nothing', async () => {
    const id = await start();
    const before = shape(await tree(id));
    const cases: Array<[unknown, string]> = [
      [[{ type: 'startBeforeActivity', activityId: 'Nope' }], "Cannot perform instruction: Start before activity 'Nope'; Element 'Nope' does not exist in process 'ModificationC7'"],
      [[{ type: 'startBeforeActivity', activityId: 'Approve' }, { type: 'cancel', activityInstanceId: 'nonExistingActivityInstance' }], "Cannot perform instruction: Cancel activity instance 'nonExistingActivityInstance'; Activity instance 'nonExistingActivityInstance' does not exist"],
      [[{ type: 'cancel', transitionInstanceId: 'nonExistingActivityInstance' }], "Cannot perform instruction: Cancel transition instance 'nonExistingActivityInstance'; Transition instance 'nonExistingActivityInstance' does not exist"],
      [[{ type: 'startAfterActivity', activityId: 'End' }], "Cannot perform instruction: Start after activity 'End'; Activity 'End' has no outgoing sequence flow to take"],
      [[{ type: 'startBeforeActivity', activityId: 'Check', ancestorActivityInstanceId: 'noValidActivityInstanceId' }], "Cannot perform instruction: Start before activity 'Check'; Ancestor activity instance 'noValidActivityInstanceId' does not exist"],
      [[{ type: 'startBeforeActivity' }], "For instruction type 'startBeforeActivity': 'activityId' must be set"],
      [[{ type: 'startTransition', transitionId: 'Flow_9' }], "Cannot perform instruction: Start transition 'Flow_9'; Sequence flow 'Flow_9' does not exist in process 'ModificationC7'"],
    ];
    for (const [instructions, message] of cases) {
      const res = await modify(id, { instructions });
      expect(res.status, message).toBe(400);
      expect(res.body.message).toBe(message);
    }
    expect(shape(await tree(id))).toEqual(before);
    expect((await modify(id, { instructions: [], skipIoMappings: true })).status).toBe(400);
    expect((await call(t.base, 'POST', `/process-instance/${id}/modification-async`, { instructions: [] })).status).toBe(400);
    expect((await modify('no-such-instance', { instructions: [] })).status).toBe(404);
  });

  it('refuses to modify a suspended instance', async () => {
    const id = await start();
    await call(t.base, 'PUT', `/process-instance/${id}/suspended`, { suspended: true });
    const res = await modify(id, { instructions: [{ type: 'startBeforeActivity', activityId: 'Approve' }] });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('SuspendedEntityInteractionException');
  });
});

describe('modification: cancelCurrentActiveActivityInstances', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'modification.c7.bpmn');
  });
  afterAll(() => t.close());

  it('cancels only the instances that were active before the modification began', async () => {
    const id = (await call(t.base, 'POST', '/process-definition/key/ModificationC7/start', {})).body.id as string;
    const before = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body.map((task: { id: string }) => task.id);
    const res = await call(t.base, 'POST', `/process-instance/${id}/modification`, {
      instructions: [{ type: 'startBeforeActivity', activityId: 'Prepare' }, { type: 'cancel', activityId: 'Prepare', cancelCurrentActiveActivityInstances: true }],
    });
    expect(res.status).toBe(204);
    const after = (await call(t.base, 'GET', `/task?processInstanceId=${id}`)).body as Array<{ id: string; taskDefinitionKey: string }>;
    expect(after.map((task) => task.taskDefinitionKey)).toEqual(['Prepare']);
    expect(after[0]!.id).not.toBe(before[0]);
  });
});
