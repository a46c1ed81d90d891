import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { ParseError } from '../../src/index.js';
import { call, conditionalFixture, deploy, openTasks, startServer, typed, type TestServer } from './helpers.js';
import { modelerDeploy } from '../http/helpers.js';

let t: TestServer;
let startDefinition: string;
let catchDefinition: string;
beforeAll(async () => {
  t = await startServer();
  startDefinition = await deploy(t.base, 'conditional-start.c7.bpmn');
  catchDefinition = await deploy(t.base, 'conditional-catch.c7.bpmn');
});
afterAll(async () => t.close());

async function evaluate(body: unknown) {
  return call(t.base, 'POST', '/condition', body);
}

describe('POST /condition: conditional start events', () => {
  it('starts an instance at each start event whose condition holds and answers the started instances', async () => {
    const res = await evaluate({ variables: typed({ temperature: 35 }), businessKey: 'parma-1' });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1); // StartCity names camunda:variableName="city", which was not given
    const [instance] = res.body;
    expect(instance).toMatchObject({ links: [], definitionId: startDefinition, businessKey: 'parma-1', caseInstanceId: null, ended: false, suspended: false, tenantId: null });
    expect(await openTasks(t.base, instance.id)).toEqual(['CoolDown']);
    const variables = await call(t.base, 'GET', `/process-instance/${instance.id}/variables`);
    expect(variables.body).toEqual({ temperature: { type: 'Integer', value: 35, valueInfo: {} } });
  });

  it('one instance per true start event; unknown variables make a condition false, not an error', async () => {
    const both = await evaluate({ variables: typed({ temperature: 40, city: 'Parma' }), businessKey: 'both' });
    expect(both.status).toBe(200);
    const tasks = await Promise.all((both.body as Array<{ id: string; businessKey: string }>).map(async (i) => [i.businessKey, ...(await openTasks(t.base, i.id))]));
    expect(tasks.sort()).toEqual([['both', 'CoolDown'], ['both', 'GreetCity']]);
    const none = await evaluate({});
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
    const cold = await evaluate({ variables: typed({ temperature: 10 }) });
    expect(cold.body).toEqual([]);
  });

  it('transient variables are seen by the conditions but not kept by the instance', async () => {
    const res = await evaluate({ variables: { temperature: { value: 35, type: 'Integer', valueInfo: { transient: true } }, city: { value: 'Parma', type: 'String' } } });
    expect(res.body).toHaveLength(2);
    for (const instance of res.body as Array<{ id: string }>) {
      const variables = await call(t.base, 'GET', `/process-instance/${instance.id}/variables`);
      expect(Object.keys(variables.body)).toEqual(['city']);
    }
  });

  it('processDefinitionId limits the evaluation to that definition; bad ids and definitions without a conditional start are refused', async () => {
    const res = await evaluate({ processDefinitionId: startDefinition, variables: typed({ city: 'Parma' }) });
    expect(res.body.map((i: { definitionId: string }) => i.definitionId)).toEqual([startDefinition]);
    const unknown = await evaluate({ processDefinitionId: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("no deployed process definition found with id 'nope': processDefinition is null");
    const withoutStart = await evaluate({ processDefinitionId: catchDefinition });
    expect(withoutStart.status).toBe(400);
    expect(withoutStart.body.message).toBe(`Process definition with id ${catchDefinition} does not declare conditional start event`);
    const both = await evaluate({ tenantId: 'a', withoutTenantId: true });
    expect(both.status).toBe(400);
  });

  it('the latest version is evaluated: a new version without the condition takes over', async () => {
    const xml = conditionalFixture('conditional-start.c7.bpmn').replace('${temperature &gt; 30}', '${temperature &gt; 100}');
    const deployed = await modelerDeploy(t.base, 'conditional-start.c7.bpmn', xml, { name: 'conditional-conditional-start.c7.bpmn' });
    expect(deployed.status).toBe(200);
    const res = await evaluate({ variables: typed({ temperature: 35 }) });
    expect(res.body).toEqual([]);
    const hot = await evaluate({ variables: typed({ temperature: 120 }) });
    expect(hot.body.map((i: { definitionId: string }) => i.definitionId)).not.toContain(startDefinition);
    expect(hot.body).toHaveLength(1);
  });
});

describe('the engine API', () => {
  it('engine.evaluateConditions starts instances, and refuses when no process has a conditional start event', async () => {
    const engine = await Engine.open({ database: ':memory:' });
    try {
      await expect(engine.evaluateConditions({ variables: { temperature: 35 } })).rejects.toThrow('No subscriptions were found during evaluation of the conditional start events.');
      await engine.deploy({ name: 'start', resources: [{ name: 'conditional-start.c7.bpmn', content: conditionalFixture('conditional-start.c7.bpmn') }] });
      const started = await engine.evaluateConditions({ variables: { temperature: 35 }, businessKey: 'api' });
      expect(started.map((i) => [i.definitionKey, i.businessKey, i.startElementId])).toEqual([['ConditionalStartC7', 'api', 'StartHot']]);
      expect(engine.variables(started[0]!.id)).toEqual({ temperature: 35 });
    } finally {
      await engine.close();
    }
  });
});

describe('Camunda 8 flavour', () => {
  it('a diagram made for Camunda 8 with a conditional event is refused at deploy, naming the element (Zeebe 8.8 has none)', async () => {
    const res = await modelerDeploy(t.base, 'conditional-refused.c8.bpmn', conditionalFixture('conditional-refused.c8.bpmn'));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("'WaitReady' has a conditional event definition, which Camunda 8.8 (Zeebe) does not run");
    // the Camunda 8 REST API (Modeler's Camunda 8 deploy target) answers a problem naming it too
    const form = new FormData();
    form.append('resources', new Blob([conditionalFixture('conditional-refused.c8.bpmn')], { type: 'application/octet-stream' }), 'conditional-refused.c8.bpmn');
    const v2 = await fetch(`${t.url}/v2/deployments`, { method: 'POST', body: form });
    expect(v2.status).toBe(400);
    expect(await v2.text()).toContain('WaitReady');
    const engine = await Engine.open({ database: ':memory:' });
    try {
      const deploying = engine.deploy({ name: 'c8', resources: [{ name: 'conditional-refused.c8.bpmn', content: conditionalFixture('conditional-refused.c8.bpmn') }] });
      await expect(deploying).rejects.toBeInstanceOf(ParseError);
      await expect(deploying).rejects.toThrow(/WaitReady/);
    } finally {
      await engine.close();
    }
  });
});
