import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startC8, type C8TestServer } from './helpers.js';

describe('/v2 process instances: search, get, cancellation with @camunda8/sdk', () => {
  let t: C8TestServer;
  const keys: string[] = [];

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString() },
      { name: 'user-task.c8.bpmn', content: fixture('user-task.c8.bpmn').toString() },
      { name: 'multi-instance-subprocess.c8.bpmn', content: fixture('multi-instance-subprocess.c8.bpmn').toString() },
    ]);
    for (let i = 0; i < 3; i++) keys.push((await t.rest.createProcessInstance({ processDefinitionId: 'ServiceTaskC8', variables: { i } })).processInstanceKey);
    await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: {} });
  });
  afterAll(async () => {
    await t.close();
  });

  it('filters by plain values and $in, sorts in either letter case, pages', async () => {
    const byProcess = await t.rest.searchProcessInstances({ filter: { processDefinitionId: 'ServiceTaskC8' } });
    expect(byProcess.page.totalItems).toBe(3);
    const picked = await t.rest.searchProcessInstances({ filter: { processInstanceKey: { $in: [keys[0]!, keys[2]!] } } as never });
    expect(picked.items.map((i) => i.processInstanceKey).sort()).toEqual([keys[0], keys[2]].sort());
    const sorted = await t.rest.searchProcessInstances({ filter: { processDefinitionId: 'ServiceTaskC8' }, sort: [{ field: 'processInstanceKey', order: 'desc' as never }], page: { from: 1, limit: 1 } });
    expect(sorted.items.map((i) => i.processInstanceKey)).toEqual([keys[1]]);
    expect(sorted.page.totalItems).toBe(3);
    const upper = await t.rest.searchProcessInstances({ filter: {}, sort: [{ field: 'processInstanceKey', order: 'DESC' as never }] });
    expect(upper.items[0]!.processDefinitionId).toBe('UserTaskC8');
  });

  it('searches and gets process definitions and their XML', async () => {
    const found = await t.rest.searchProcessDefinitions({ filter: { processDefinitionId: 'UserTaskC8' } } as never);
    expect(found.items).toHaveLength(1);
    const definition = found.items[0]!;
    expect(definition).toMatchObject({ processDefinitionId: 'UserTaskC8', version: 1, resourceName: 'user-task.c8.bpmn', tenantId: '<default>' });
    expect((await t.rest.getProcessDefinition(definition.processDefinitionKey)).processDefinitionId).toBe('UserTaskC8');
    expect(await t.rest.getProcessDefinitionXML(definition.processDefinitionKey)).toContain('<bpmn:process id="UserTaskC8"');
  });

  it('refuses an unknown filter field instead of ignoring it', async () => {
    await expect(t.rest.searchProcessInstances({ filter: { noSuchField: 1 } as never })).rejects.toThrow(/noSuchField/);
  });

  it('cancels an instance; it is TERMINATED afterwards and a second cancel is a 404', async () => {
    await t.rest.cancelProcessInstance({ processInstanceKey: keys[0]! });
    const got = await (await fetch(`${t.url}/v2/process-instances/${keys[0]}`)).json() as { state: string };
    expect(got.state).toBe('TERMINATED');
    const terminated = await t.rest.searchProcessInstances({ filter: { state: 'TERMINATED' } as never });
    expect(terminated.items.map((i) => i.processInstanceKey)).toEqual([keys[0]]);
    const again = await fetch(`${t.url}/v2/process-instances/${keys[0]}/cancellation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(again.status).toBe(404);
    expect((await fetch(`${t.url}/v2/process-instances/2251799813685247999`)).status).toBe(404);
  });

  it('startInstructions start the instance before the named elements of the process scope, and refuse what cannot be started', async () => {
    // before the user task: the start event is skipped, the task waits
    const atTask = await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: {}, startInstructions: [{ elementId: 'Task_Review' }] } as never);
    const tasks = await t.rest.searchUserTasks({ filter: { processInstanceKey: atTask.processInstanceKey } });
    expect(tasks.items.map((task) => task.elementId)).toEqual(['Task_Review']);
    // before the end event: the task is skipped, the instance completes inside the start
    const atEnd = await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: { x: 1 }, startInstructions: [{ elementId: 'End' }], awaitCompletion: true } as never);
    expect(atEnd.variables).toEqual({ x: 1 });
    expect((await t.rest.searchUserTasks({ filter: { processInstanceKey: atEnd.processInstanceKey } })).items).toHaveLength(0);
    const refused = async (elementId: string) => {
      const response = await fetch(`${t.url}/v2/process-instances`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ processDefinitionId: 'MultiInstanceSubC8', startInstructions: [{ elementId }] }),
      });
      expect(response.status).toBe(400);
      return ((await response.json()) as { detail: string }).detail;
    };
    expect(await refused('Task_Vote')).toMatch(/inside 'Sub_Review'/);
    expect(await refused('Boundary_Deadline')).toMatch(/boundary event/);
    expect(await refused('Nope')).toMatch(/no element 'Nope'/);
  });
});
