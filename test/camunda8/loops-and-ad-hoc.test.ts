import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camunda8KeyStore } from '../../src/store/camunda8-key-store.js';
import { eventually, fixture, startC8, type C8TestServer } from './helpers.js';

/** Standard loops and ad-hoc sub-processes saved for a Camunda 8 target, driven over /v2 with @camunda8/sdk. */
describe('/v2 standard loops and ad-hoc sub-processes with @camunda8/sdk', () => {
  let t: C8TestServer;
  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'standard-loop.c8.bpmn', content: fixture('standard-loop.c8.bpmn').toString() },
      { name: 'ad-hoc.c8.bpmn', content: fixture('ad-hoc.c8.bpmn').toString() },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const stateOf = async (key: string) => ((await (await fetch(`${t.url}/v2/process-instances/${key}`)).json()) as { state: string }).state;
  const activeOf = async (key: string) => (await t.rest.searchElementInstances({ filter: { processInstanceKey: key } })).items;
  const activate = (key: string, body: unknown) => fetch(`${t.url}/v2/element-instances/ad-hoc-activities/${key}/activation`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const userTasksOf = async (key: string) => (await t.rest.searchUserTasks({ filter: { processInstanceKey: key } })).items;
  const historyValue = async (instanceKey: string, name: string) => {
    const instanceId = new Camunda8KeyStore(t.engine.db).idOf(instanceKey);
    const rows = await (await fetch(`${t.base}/history/variable-instance?processInstanceId=${instanceId}&variableName=${name}`)).json() as Array<{ value: unknown }>;
    return rows.map((row) => row.value);
  };

  it('a standard loop runs the review as a new user task each time until approved, and the script loop before it', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'StandardLoopC8', variables: { trials: 0, approved: false } });
    for (const approved of [false, true]) {
      const tasks = await eventually(async () => {
        const found = await userTasksOf(started.processInstanceKey);
        expect(found).toHaveLength(1);
        return found;
      });
      const elements = await activeOf(started.processInstanceKey);
      // the loop activity and the iteration running inside it
      expect(elements.filter((e) => e.elementId === 'Task_Review').map((e) => e.type)).toEqual(['STANDARD_LOOP_BODY', 'USER_TASK']);
      await t.rest.completeUserTask({ userTaskKey: tasks[0]!.userTaskKey, variables: { approved } });
    }
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
    expect(await historyValue(started.processInstanceKey, 'trials')).toEqual([3]);
  });

  it('an ad-hoc sub-process starts what activeElementsCollection names, waits, and starts more over the activation API', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'AdHocC8', variables: { checks: ['Task_Bias', 'Task_Drift'] } });
    const [bias] = await t.rest.activateJobs({ type: 'bias-check', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    await bias!.complete({ score: 0.9 });
    const [drift] = await t.rest.activateJobs({ type: 'drift-check', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    await drift!.complete({ score: 0.7 });
    // both checks done; the completion condition (decided) is false: it stays active, Sign off was never started
    const checks = await eventually(async () => {
      const elements = await activeOf(started.processInstanceKey);
      expect(elements.map((e) => [e.elementId, e.type])).toEqual([['Checks', 'AD_HOC_SUB_PROCESS']]);
      return elements[0]!;
    });
    expect(await userTasksOf(started.processInstanceKey)).toEqual([]);

    const refused = await activate(checks.elementInstanceKey, { elements: [{ elementId: 'Task_Publish' }] });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/cannot activate 'Task_Publish'/);
    expect((await activate('2251799813685247999', { elements: [{ elementId: 'Task_Signoff' }] })).status).toBe(404);
    expect((await activate(checks.elementInstanceKey, { elements: [] })).status).toBe(400);

    const accepted = await activate(checks.elementInstanceKey, { elements: [{ elementId: 'Task_Signoff', variables: { note: 'look at the drift score' } }] });
    expect(accepted.status).toBe(204);
    const [signoff] = await eventually(async () => {
      const found = await userTasksOf(started.processInstanceKey);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(signoff).toMatchObject({ elementId: 'Task_Signoff' });
    const note = t.engine.db.prepare("SELECT scope_id FROM variables WHERE name = 'note'").all() as Array<{ scope_id: string }>;
    expect(note).toHaveLength(1); // local to the activated element, not a process variable
    await t.rest.completeUserTask({ userTaskKey: signoff!.userTaskKey, variables: { decided: true } });
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
    // outputElement (=score) collected per inner flow: the two checks, then the sign-off flow whose script set score to 1
    const [serialized] = await historyValue(started.processInstanceKey, 'results');
    const results = JSON.parse(serialized as string) as number[]; // a Json variable, serialized as Camunda 7's history shows it
    expect(results.slice(0, 2).sort()).toEqual([0.7, 0.9]);
    expect(results).toHaveLength(3);
  });

  it('a completion condition met while another check runs cancels it (cancelRemainingInstances)', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'AdHocC8', variables: { checks: ['Task_Bias', 'Task_Drift'] } });
    const [bias] = await t.rest.activateJobs({ type: 'bias-check', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    await bias!.complete({ score: 0.1, decided: true });
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
    const instanceId = new Camunda8KeyStore(t.engine.db).idOf(started.processInstanceKey);
    expect(t.engine.db.prepare('SELECT topic FROM jobs WHERE instance_id = ?').all(instanceId)).toEqual([]); // the drift check's job is withdrawn
    const drift = await (await fetch(`${t.base}/history/activity-instance?processInstanceId=${instanceId}&activityId=Task_Drift`)).json();
    expect(drift).toEqual([expect.objectContaining({ canceled: true })]);
  });

  it('the job worker implementation: each job result says which tools start or that it is done; a new job after each tool', async () => {
    const complete = (jobKey: string, body: unknown) => fetch(`${t.url}/v2/jobs/${jobKey}/completion`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'AdHocAgentC8', variables: { drift: 0.4 } });
    const [first] = await t.rest.activateJobs({ type: 'choose-tools', worker: 'agent', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    const offered = (first!.variables as { adHocSubProcessElements: Array<{ elementId: string; elementName: string; documentation: string | null; properties: unknown }> }).adHocSubProcessElements;
    expect(offered.map((e) => [e.elementId, e.elementName])).toEqual([['Tool_Score', 'Score a sample'], ['Tool_Explain', 'Explain']]);
    expect(offered[0]).toMatchObject({ documentation: 'Scores the sample given as input with the deployed model', properties: { costly: 'no' } });
    expect(offered[1]).toMatchObject({ documentation: null, properties: {} });

    // refused before anything changes: both finishing and starting, an element it cannot start
    const both = await complete(first!.jobKey, { result: { type: 'adHocSubProcess', isCompletionConditionFulfilled: true, activateElements: [{ elementId: 'Tool_Score' }] } });
    expect(both.status).toBe(400);
    const unknown = await complete(first!.jobKey, { result: { type: 'adHocSubProcess', activateElements: [{ elementId: 'Agent_End' }] } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/cannot activate 'Agent_End'/);

    expect((await complete(first!.jobKey, { variables: { plan: 'score first' }, result: { type: 'adHocSubProcess', activateElements: [{ elementId: 'Tool_Score', variables: { sample: [1, 2] } }] } })).status).toBe(204);
    const [tool] = await t.rest.activateJobs({ type: 'score-tool', worker: 'tools', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    expect(tool!.variables).toMatchObject({ sample: [1, 2], plan: 'score first' });
    // a job result on a job that is not an ad-hoc sub-process's is refused, not dropped
    expect((await complete(tool!.jobKey, { result: { type: 'adHocSubProcess', isCompletionConditionFulfilled: true } })).status).toBe(400);
    await tool!.complete({ toolResult: 0.93 });

    const [second] = await t.rest.activateJobs({ type: 'choose-tools', worker: 'agent', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    expect(second!.variables).toMatchObject({ toolResult: 0.93 });
    // a worker that starts nothing while nothing runs would leave it waiting forever: an incident instead; resolving it asks again
    expect((await complete(second!.jobKey, { result: { type: 'adHocSubProcess', activateElements: [] } })).status).toBe(204);
    const incidents = await eventually(async () => {
      const found = await t.rest.searchIncidents({ filter: { processInstanceKey: started.processInstanceKey } } as never);
      expect(found.items).toHaveLength(1);
      return found.items;
    });
    expect(incidents[0]).toMatchObject({ elementId: 'Agent' });
    await t.rest.resolveIncident(incidents[0]!.incidentKey);
    const [third] = await t.rest.activateJobs({ type: 'choose-tools', worker: 'agent', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    expect((await complete(third!.jobKey, { result: { type: 'adHocSubProcess', isCompletionConditionFulfilled: true } })).status).toBe(204);
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
    expect(await userTasksOf(started.processInstanceKey)).toEqual([]);
  });
});
