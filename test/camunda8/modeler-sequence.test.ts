import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startC8, type C8TestServer } from './helpers.js';
import { Engine } from '../../src/runtime/engine.js';
import { createServerApp } from '../../src/http/app.js';

const FORM = JSON.stringify({ id: 'review-form', type: 'default', components: [{ key: 'approved', type: 'checkbox', label: 'Approved' }], schemaVersion: 16 });

/** What Camunda Modeler does with a Self-Managed REST target, through the same SDK class it uses. */
describe('Camunda Modeler sequence over /v2 with @camunda8/sdk', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8();
  });
  afterAll(async () => {
    await t.close();
  });

  it('topology answers a semver gateway version', async () => {
    const topology = await t.rest.getTopology();
    expect(topology.gatewayVersion).toBe('8.8.0');
    expect(topology.brokers[0]!.partitions[0]!.role).toBe('leader');
    const status = await fetch(`${t.url}/v2/status`);
    expect(status.status).toBe(204);
  });

  it('deploys BPMN and a form, matching resourceName to the uploaded file', async () => {
    const deployed = await t.rest.deployResources([
      { name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString() },
      { name: 'review.form', content: FORM },
    ]);
    expect(deployed.deploymentKey).toMatch(/^[0-9]+$/);
    expect(deployed.tenantId).toBe('<default>');
    const process = deployed.processes[0]!;
    expect(process).toMatchObject({ processDefinitionId: 'ServiceTaskC8', processDefinitionVersion: 1, resourceName: 'service-task.c8.bpmn', tenantId: '<default>' });
    expect(process.processDefinitionKey).toMatch(/^[0-9]+$/);
    expect(deployed.forms[0]).toMatchObject({ formId: 'review-form', resourceName: 'review.form' });
    const dmn = await t.rest.deployResources([{ name: 'dish.dmn', content: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'dmn', 'dish.dmn'), 'utf8') }]);
    expect(dmn.decisions.map((d) => d.decisionDefinitionId).sort()).toEqual(['dish', 'season']);
    expect(dmn.decisions[0]!.decisionDefinitionKey).toMatch(/^[0-9]+$/);
    // an unchanged redeploy names the same version (Zeebe's duplicate check)
    const again = await t.rest.deployResources([{ name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString() }]);
    expect(again.processes[0]!.processDefinitionKey).toBe(process.processDefinitionKey);
    expect(again.processes[0]!.processDefinitionVersion).toBe(1);
    // a changed diagram gets version 2 next to an unchanged form
    const changed = await t.rest.deployResources([
      { name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString().replace('name="Do work"', 'name="Do more work"') },
      { name: 'review.form', content: FORM },
    ]);
    expect(changed.processes[0]!.processDefinitionVersion).toBe(2);
    expect(changed.forms[0]!.formKey).toBe(deployed.forms[0]!.formKey);
  });

  it('starts an instance by process id and by definition key; the key maps to the Camunda 7 id', async () => {
    const byId = await t.rest.createProcessInstance({ processDefinitionId: 'ServiceTaskC8', variables: { modelId: 'm-1' } });
    expect(byId.processInstanceKey).toMatch(/^[0-9]+$/);
    expect(byId.processDefinitionVersion).toBe(2); // the latest version
    const byKey = await t.rest.createProcessInstance({ processDefinitionKey: byId.processDefinitionKey, variables: {} });
    expect(byKey.processInstanceKey).not.toBe(byId.processInstanceKey);
    // the same instance through the Camunda 7 API
    const c7 = await (await fetch(`${t.base}/process-instance?processDefinitionKey=ServiceTaskC8`)).json() as Array<{ id: string }>;
    expect(c7).toHaveLength(2);
    const got = await (await fetch(`${t.url}/v2/process-instances/${byId.processInstanceKey}`)).json();
    expect(got).toMatchObject({ processInstanceKey: byId.processInstanceKey, state: 'ACTIVE', processDefinitionId: 'ServiceTaskC8' });
  });

  it('awaitCompletion returns the fetched variables of a process without wait states', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Straight" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="Calc"><bpmn:extensionElements><zeebe:script expression="=x * 2" resultVariable="y" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:scriptTask>
    <bpmn:endEvent id="E"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Calc" />
    <bpmn:sequenceFlow id="f2" sourceRef="Calc" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>`;
    await t.rest.deployResources([{ name: 'straight.bpmn', content: xml }]);
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'Straight', variables: { x: 21, other: 'kept out' }, fetchVariables: ['y'] });
    expect(result.variables).toEqual({ y: 42 });
    const found = await t.rest.searchProcessInstances({ filter: { processInstanceKey: result.processInstanceKey } });
    expect(found.items.map((i) => i.state)).toEqual(['COMPLETED']);
  });

  it('answers errors as problem+json', async () => {
    const response = await fetch(`${t.url}/v2/process-instances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processDefinitionId: 'Nope' }) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = await response.json() as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 404, title: 'NOT_FOUND', instance: '/v2/process-instances' });
    expect(String(problem.detail)).toContain('Nope');
    const tagged = await fetch(`${t.url}/v2/process-instances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processDefinitionId: 'ServiceTaskC8', tags: ['x'] }) });
    expect(tagged.status).toBe(400);
    expect(((await tagged.json()) as { detail: string }).detail).toContain('tags');
    const bad = await fetch(`${t.url}/v2/deployments`, { method: 'POST', body: (() => { const f = new FormData(); f.append('resources', new Blob(['hello']), 'notes.txt'); return f; })() });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain("'notes.txt' is neither");
  });

  it('documents every /v2 operation it serves in /v2/openapi.json', async () => {
    const doc = await (await fetch(`${t.url}/v2/openapi.json`)).json() as { paths: Record<string, Record<string, { summary: string }>> };
    expect(Object.keys(doc.paths)).toHaveLength(36);
    expect(Object.keys(doc.paths['/element-instances/ad-hoc-activities/{adHocSubProcessInstanceKey}/activation']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/user-tasks/{key}/form']!)).toEqual(['get']);
    expect(doc.paths['/process-instances/{key}']!.get!.summary).toBe('Get a process instance');
    expect(Object.keys(doc.paths['/jobs/{key}']!)).toEqual(['patch']);
  });

  it('refuses a cross-origin write from a browser page', async () => {
    const response = await fetch(`${t.url}/v2/process-instances`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ processDefinitionId: 'ServiceTaskC8' }) });
    expect(response.status).toBe(403);
  });
});

describe('keys survive a restart', () => {
  it('the same instance has the same key after the engine reopens its database', async () => {
    const t = await startC8();
    const dbFile = `${t.dir}/engine.sqlite`;
    await t.rest.deployResources([{ name: 'service-task.c8.bpmn', content: fixture('service-task.c8.bpmn').toString() }]);
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'ServiceTaskC8', variables: {} });
    t.app.closeRest();
    await new Promise<void>((resolve) => t.server.close(() => resolve()));
    await t.engine.close();
    const engine = await Engine.open({ database: dbFile });
    const app = createServerApp(engine, { requestLogs: false });
    const server = await new Promise<import('node:http').Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    try {
      const port = (server.address() as import('node:net').AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/v2/process-instances/${started.processInstanceKey}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ processInstanceKey: started.processInstanceKey, processDefinitionId: 'ServiceTaskC8', state: 'ACTIVE' });
    } finally {
      app.closeRest();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await engine.close();
      (await import('node:fs')).rmSync(t.dir, { recursive: true, force: true });
    }
  });
});
