import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, fixture, modelerDeploy, startServer, type TestServer } from './helpers.js';

/** The Camunda Modeler protocol (reference section 5), request by request as the Modeler sends it. */
describe('Camunda Modeler: deploy and start', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('passes the connection check with and without credentials header, also with a trailing slash (//)', async () => {
    for (const headers of [{}, { authorization: 'undefined' }] as Array<Record<string, string>>) {
      const res = await call(t.base, 'GET', '/deployment?maxResults=0', undefined, headers);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    }
    const doubled = await call(`${t.base}/`, 'GET', '/deployment?maxResults=0');
    expect(doubled.status).toBe(200);
    expect(doubled.body).toEqual([]);
  });

  it('answers GET /version with JSON and GET /engine', async () => {
    const version = await call(t.base, 'GET', '/version', undefined, { authorization: 'undefined' });
    expect(version.status).toBe(200);
    expect(version.headers.get('content-type')).toBe('application/json');
    expect(version.body).toEqual({ version: '7.23.0' });
    expect((await call(t.base, 'GET', '/engine')).body).toEqual([{ name: 'default' }]);
  });

  it('serves the same API under /rest (the Modeler default URL)', async () => {
    const res = await call(`${t.url}/rest`, 'GET', '/deployment?maxResults=0');
    expect(res.status).toBe(200);
  });

  let definitionId = '';
  let deploymentId = '';

  it('deploys a multipart upload with text/xml and application/octet-stream parts, names from filenames', async () => {
    const res = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn'), {
      name: 'my-process',
      attachments: [{ name: 'review.form', content: '{"components":[]}' }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = res.body;
    expect(body).toMatchObject({ name: 'my-process', source: 'Camunda Modeler', tenantId: null, deployedCaseDefinitions: null, deployedDecisionDefinitions: null, deployedDecisionRequirementsDefinitions: null });
    expect(body.deploymentTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(body.links[0]).toMatchObject({ method: 'GET', rel: 'self' });
    const definitions = Object.values(body.deployedProcessDefinitions) as any[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(definitions).toHaveLength(1);
    const [definition] = definitions;
    expect(Object.keys(body.deployedProcessDefinitions)[0]).toBe(definition.id);
    expect(definition).toMatchObject({ key: 'ServiceTaskC7', version: 1, resource: 'service-task.c7.bpmn', deploymentId: body.id, suspended: false, tenantId: null, startableInTasklist: true });
    for (const field of ['id', 'key', 'category', 'description', 'name', 'version', 'resource', 'deploymentId', 'diagram', 'suspended', 'tenantId', 'versionTag', 'historyTimeToLive', 'startableInTasklist']) {
      expect(definition).toHaveProperty(field);
    }
    expect(definition.id).toContain(':');
    definitionId = definition.id;
    deploymentId = body.id;

    const resources = await call(t.base, 'GET', `/deployment/${deploymentId}/resources`);
    expect(resources.body.map((r: { name: string }) => r.name)).toEqual(['service-task.c7.bpmn', 'review.form']);
    const form = resources.body[1];
    const data = await fetch(`${t.base}/deployment/${deploymentId}/resources/${form.id}/data`);
    expect(await data.text()).toBe('{"components":[]}');
  });

  it('returns the existing deployment with deployedProcessDefinitions: null for an unchanged redeploy', async () => {
    const res = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn'), {
      name: 'my-process',
      attachments: [{ name: 'review.form', content: '{"components":[]}' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(deploymentId);
    expect(res.body.deployedProcessDefinitions).toBeNull();
    const changed = await modelerDeploy(t.base, 'service-task.c7.bpmn', fixture('service-task.c7.bpmn').toString().replace('name="Do work"', 'name="Do work v2"'), { name: 'my-process' });
    expect(changed.status).toBe(200);
    expect(changed.body.id).not.toBe(deploymentId);
    expect((Object.values(changed.body.deployedProcessDefinitions)[0] as { version: number }).version).toBe(2);
  });

  it('starts by id with a raw ":" in the path, body {businessKey: null, variables: null}', async () => {
    const res = await call(t.base, 'POST', `/process-definition/${definitionId}/start`, { businessKey: null, variables: null }, { authorization: 'undefined' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ definitionId, businessKey: null, ended: false, suspended: false, tenantId: null, caseInstanceId: null });
    expect(typeof res.body.id).toBe('string');
    expect(res.body.links[0].href).toContain(`/process-instance/${res.body.id}`);
    const encoded = await call(t.base, 'POST', `/process-definition/${encodeURIComponent(definitionId)}/start`, { businessKey: 'order-1', variables: { amount: { value: 5, type: 'Integer' } } });
    expect(encoded.status).toBe(200);
    expect(encoded.body.businessKey).toBe('order-1');
    const vars = await call(t.base, 'GET', `/process-instance/${encoded.body.id}/variables`);
    expect(vars.body).toEqual({ amount: { type: 'Integer', value: 5, valueInfo: {} } });
  });

  it('starts by key, returns variables when asked, and reads definitions and XML', async () => {
    const res = await call(t.base, 'POST', '/process-definition/key/ServiceTaskC7/start', { variables: { note: { value: 'hi' } }, withVariablesInReturn: true });
    expect(res.status).toBe(200);
    expect(res.body.variables.note).toEqual({ type: 'String', value: 'hi', valueInfo: {} });
    const byKey = await call(t.base, 'GET', '/process-definition/key/ServiceTaskC7');
    expect(byKey.body.version).toBe(2);
    const latest = await call(t.base, 'GET', '/process-definition?key=ServiceTaskC7&latestVersion=true');
    expect(latest.body).toHaveLength(1);
    const all = await call(t.base, 'GET', '/process-definition?key=ServiceTaskC7&sortBy=version&sortOrder=desc');
    expect(all.body.map((d: { version: number }) => d.version)).toEqual([2, 1]);
    const xml = await call(t.base, 'GET', `/process-definition/${definitionId}/xml`);
    expect(xml.body.id).toBe(definitionId);
    expect(xml.body.bpmn20Xml).toContain('ServiceTaskC7');
  });

  it('answers an invalid diagram with 400 ParseException, ENGINE-09005 and line/column in the message', async () => {
    const res = await modelerDeploy(t.base, 'broken-gateway.bpmn', fixture('broken-gateway.bpmn'));
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('ParseException');
    expect(res.body.message.startsWith('ENGINE-09005 Could not parse BPMN process. Errors:')).toBe(true);
    expect(res.body.message).toMatch(/\n\* .*Gateway_DeadEnd.* \| resource broken-gateway\.bpmn \| line \d+ \| column \d+/);
    expect(res.body.details['broken-gateway.bpmn'].errors[0]).toMatchObject({ mainElementId: 'Gateway_DeadEnd' });
    const malformed = await modelerDeploy(t.base, 'broken-malformed.bpmn', fixture('broken-malformed.bpmn'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^ENGINE-09005 Could not parse BPMN process\. Errors:.*\| line \d+ \| column \d+/s);
  });

  it('answers its CORS preflights (origin file://) and does not refuse reads on Origin', async () => {
    const preflight = await fetch(`${t.base}/deployment/create`, {
      method: 'OPTIONS',
      headers: { origin: 'file://', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('file://');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const withOrigin = await call(t.base, 'GET', '/version', undefined, { origin: 'null' });
    expect(withOrigin.status).toBe(200);
  });

  it('answers the .well-known web-app lookup with JSON (404 when no cockpit is configured)', async () => {
    const res = await call(t.url, 'GET', '/.well-known/camunda-automation-platform/webapps');
    expect(res.status).toBe(404);
    expect(res.body.message).toBeTruthy();
  });

  it('lists, counts, gets and deletes deployments (cascade cancels running instances)', async () => {
    const list = await call(t.base, 'GET', '/deployment?name=my-process&sortBy=deploymentTime&sortOrder=asc');
    expect(list.body.length).toBe(2);
    expect((await call(t.base, 'GET', '/deployment/count')).body.count).toBe(2);
    expect((await call(t.base, 'GET', `/deployment/${deploymentId}`)).body.id).toBe(deploymentId);
    const refused = await call(t.base, 'DELETE', `/deployment/${deploymentId}`);
    expect(refused.status).toBe(400);
    const deleted = await call(t.base, 'DELETE', `/deployment/${deploymentId}?cascade=true`);
    expect(deleted.status).toBe(204);
    expect((await call(t.base, 'GET', `/deployment/${deploymentId}`)).status).toBe(404);
    expect((await call(t.base, 'GET', `/process-definition/${definitionId}`)).status).toBe(404);
    const history = await call(t.base, 'GET', `/history/process-instance?processDefinitionId=${definitionId}`);
    expect(history.body.every((i: { state: string }) => i.state === 'EXTERNALLY_TERMINATED')).toBe(true);
  });
});
