import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Camunda8 } from '@camunda8/sdk';
import { fixture, startC8, type C8TestServer } from './helpers.js';

/** Camunda Modeler's "basic" authentication mode reuses the server's basic auth. */
describe('/v2 behind basic auth', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8({ auth: { mode: 'basic', users: { alice: 'secret' } } }, { user: 'alice', password: 'secret' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('the SDK with the right credentials topology-checks, deploys and starts', async () => {
    expect((await t.rest.getTopology()).gatewayVersion).toBe('8.8.0');
    await t.rest.deployResources([{ name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString() }]);
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'ServiceTaskC8', variables: {} });
    expect(started.processInstanceKey).toMatch(/^[0-9]+$/);
  });

  it('refuses a client without or with wrong credentials', async () => {
    expect((await fetch(`${t.url}/v2/topology`)).status).toBe(401);
    const wrong = new Camunda8({
      ZEEBE_REST_ADDRESS: t.url,
      CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: 'alice', CAMUNDA_BASIC_AUTH_PASSWORD: 'wrong',
    }).getCamundaRestClient();
    await expect(wrong.getTopology()).rejects.toThrow();
  });
});

/** With authorization on, /v2 applies the same task rules as /engine-rest. */
describe('/v2 with authorization enabled', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8({ auth: { mode: 'basic', users: { ana: 'ana-secret', mallory: 'mallory-secret' }, authorization: { enabled: true } } }, { user: 'mallory', password: 'mallory-secret' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('only the assignee completes an assigned user task', async () => {
    await t.rest.deployResources([{ name: 'user-task.c8.bpmn', content: fixture('user-task.c8.bpmn').toString() }]);
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'UserTaskC8', variables: { reviewer: 'ana' } });
    const [task] = (await t.rest.searchUserTasks({ filter: { processInstanceKey: started.processInstanceKey } })).items;
    await expect(t.rest.completeUserTask({ userTaskKey: task!.userTaskKey, variables: {} })).rejects.toThrow(/403/);
    await expect(t.rest.assignUserTask({ userTaskKey: task!.userTaskKey, assignee: 'mallory' })).rejects.toThrow(/403/);
    const ana = new Camunda8({
      ZEEBE_REST_ADDRESS: t.url, CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: 'ana', CAMUNDA_BASIC_AUTH_PASSWORD: 'ana-secret',
    }).getCamundaRestClient();
    await ana.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { approved: true } });
    const found = await t.rest.searchProcessInstances({ filter: { processInstanceKey: started.processInstanceKey } });
    expect(found.items[0]!.state).toBe('COMPLETED');
  });
});
