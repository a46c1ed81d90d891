import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startC8, type C8TestServer } from './helpers.js';

const FLAKY = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Flaky" name="Flaky scoring" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Score" name="Score"><bpmn:extensionElements><zeebe:taskDefinition type="c8-flaky" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="E"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Score" />
    <bpmn:sequenceFlow id="f2" sourceRef="Score" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>`;

describe('/v2 user tasks, incidents, variables and element instances with @camunda8/sdk', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'user-task.c8.bpmn', content: fixture('user-task.c8.bpmn').toString() },
      { name: 'flaky.bpmn', content: FLAKY },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });
  const stateOf = async (key: string) => ((await (await fetch(`${t.url}/v2/process-instances/${key}`)).json()) as { state: string }).state;

  it('searches, gets, assigns, unassigns and completes a user task', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: { reviewer: 'ana', modelId: 'churn' } });
    const found = await t.rest.searchUserTasks({ filter: { processInstanceKey: started.processInstanceKey }, page: { from: 0, limit: 100 }, sort: [{ field: 'creationDate', order: 'ASC' }] });
    expect(found.items).toHaveLength(1);
    const task = found.items[0]!;
    expect(task).toMatchObject({ elementId: 'Task_Review', name: 'Review', assignee: 'ana', state: 'CREATED', candidateGroups: ['reviewers'], processDefinitionId: 'UserTaskC8' });
    const byGroup = await t.rest.searchUserTasks({ filter: { candidateGroup: 'reviewers' } as never });
    expect(byGroup.items.map((i) => i.userTaskKey)).toContain(task.userTaskKey);
    await t.rest.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'bo' });
    expect((await t.rest.getUserTask(task.userTaskKey)).assignee).toBe('bo');
    await expect(t.rest.assignUserTask({ userTaskKey: task.userTaskKey, assignee: 'cy', allowOverride: false })).rejects.toThrow(/409|assigned/);
    await t.rest.unassignUserTask({ userTaskKey: task.userTaskKey });
    expect((await t.rest.getUserTask(task.userTaskKey)).assignee).toBeNull();
    await t.rest.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true } });
    expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED');
    expect((await fetch(`${t.url}/v2/user-tasks/${task.userTaskKey}`)).status).toBe(404);
  });

  it('searches variables and element instances of a running instance', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: { reviewer: 'ana', threshold: 0.8, tags: ['a'] } });
    const variables = await t.rest.searchVariables({ filter: { processInstanceKey: started.processInstanceKey } });
    const byName = Object.fromEntries(variables.items.map((v) => [v.name, v.value]));
    expect(byName).toEqual({ reviewer: '"ana"', threshold: '0.8', tags: '["a"]' });
    const one = await t.rest.searchVariables({ filter: { processInstanceKey: started.processInstanceKey, name: 'threshold' } });
    expect(one.items.map((v) => v.scopeKey)).toEqual([started.processInstanceKey]);
    const elements = await t.rest.searchElementInstances({ filter: { processInstanceKey: started.processInstanceKey } });
    expect(elements.items.map((e) => [e.elementId, e.type, e.state])).toContainEqual(['Task_Review', 'USER_TASK', 'ACTIVE']);
  });

  it('searches an incident and resolves it; the job runs again', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'Flaky', variables: {} });
    const [job] = await t.rest.activateJobs({ type: 'c8-flaky', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    await job!.fail({ errorMessage: 'scoring service down', retries: 0 });
    const incidents = await t.rest.searchIncidents({ filter: { processInstanceKey: started.processInstanceKey } } as never);
    expect(incidents.items).toHaveLength(1);
    expect(incidents.items[0]).toMatchObject({ errorType: 'JOB_NO_RETRIES', errorMessage: 'scoring service down', elementId: 'Score', jobKey: job!.jobKey });
    // as Camunda 8 clients do it: give the job retries, then resolve the incident
    await t.rest.updateJob({ jobKey: job!.jobKey, retries: 1 });
    await t.rest.resolveIncident(incidents.items[0]!.incidentKey);
    expect((await t.rest.searchIncidents({ filter: { processInstanceKey: started.processInstanceKey } } as never)).items).toHaveLength(0);
    const [again] = await t.rest.activateJobs({ type: 'c8-flaky', worker: 'w', timeout: 30_000, maxJobsToActivate: 1, requestTimeout: 5_000 });
    await again!.complete({});
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
  });
});
