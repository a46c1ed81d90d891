import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { call, startServer, type TestServer } from './helpers.js';

describe('OpenAPI document', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('is valid JSON listing every path, with the ajv schemas as components', async () => {
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe('/engine-rest');
    for (const path of ['/deployment/create', '/deployment', '/process-definition/{id}/start', '/process-definition/key/{key}/start', '/process-instance/{id}/activity-instances',
      '/task', '/task/{id}/complete', '/message', '/signal', '/external-task/fetchAndLock', '/external-task/{id}/failure', '/incident', '/job/{id}/retries',
      '/history/process-instance', '/history/activity-instance', '/history/task', '/history/variable-instance', '/version', '/engine']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/external-task/fetchAndLock'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/FetchExternalTasksDto');
    expect(doc.paths['/deployment/create'].post.requestBody.content).toHaveProperty(['multipart/form-data']);
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile(schema as object), name).not.toThrow();
    }
    const operationIds = Object.values(doc.paths).flatMap((p) => Object.values(p as Record<string, { operationId: string }>).map((o) => o.operationId));
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('is also served under /rest with that server url', async () => {
    const res = await call(`${t.url}/rest`, 'GET', '/openapi.json');
    expect(res.body.servers[0].url).toBe('/rest');
  });
});
