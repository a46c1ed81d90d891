import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCardFrom } from '../../src/cockpit/index.js';
import { fixture, MODEL_CARD_VARIABLES, startCockpitServer, type CockpitServer } from './server.js';

async function json<T>(server: CockpitServer, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
}

describe('model card', () => {
  it('reads what the model-lifecycle handlers set on an approval task', () => {
    const card = modelCardFrom(MODEL_CARD_VARIABLES)!;
    expect(card).toMatchObject({ modelId: 'fraud', modelName: 'Card fraud', modelType: 'classification', version: '7', deployedVersion: '6', psiThreshold: 0.2 });
    expect(card.trainingMetrics).toEqual({ accuracy: 0.91, auc: 0.95, f1: 0.83 });
    expect(card.testMetrics).toMatchObject({ accuracy: 0.9, auc: 0.94, logLoss: 0.27 });
    expect(card.psi).toContainEqual({ feature: 'cardAge', value: 0.31 });
    expect(card.thresholds).toEqual({ minAccuracy: 0.7, minAuc: 0.75, maxPsi: 0.2 });
    expect(card.changes.map((c) => c.what)).toContain('features added');
    expect(card.verdict).toMatch(/^failed: PSI of cardAge/);
  });

  it('is null for a task that is not about a model', () => {
    expect(modelCardFrom({ orderId: 'A-1', amount: 3 })).toBeNull();
  });
});

describe('cockpit API', () => {
  let server: CockpitServer;
  beforeAll(async () => {
    server = await startCockpitServer();
  });
  afterAll(async () => server?.close());

  it('serves the page and its bundle from the same server, with a strict CSP', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('/cockpit/assets/app.js');
    const script = await fetch(`${server.url}/cockpit/assets/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/cockpit/assets/nope.js`)).status).toBe(404);
  });

  it('counts tokens and incidents per element, resolves forms, and retries incidents', async () => {
    const { engine } = server;
    const approval = await engine.start('CockpitModelApproval', { businessKey: 'api-approval' });
    const flaky = await engine.start('CockpitFlakyScoring', { businessKey: 'api-flaky' });
    await engine.whenIdle();

    const defs = await json<{ total: number; items: Array<{ key: string; latestId: string; running: number; incidents: number }> }>(server, '/cockpit/api/definitions');
    const byKey = Object.fromEntries(defs.body.items.map((d) => [d.key, d]));
    expect(byKey.CockpitModelApproval).toMatchObject({ running: 1, incidents: 0 });
    expect(byKey.CockpitFlakyScoring).toMatchObject({ running: 1, incidents: 1 });

    const stats = await json<Array<{ elementId: string; active: number; incidents: number }>>(server, `/cockpit/api/definitions/${approval.definitionId}/statistics`);
    expect(stats.body).toEqual([{ elementId: 'Task_Approve', active: 1, incidents: 0 }]);

    const detail = await json<{ path: { visited: string[]; active: string[] }; incidents: Array<{ id: string; message: string }>; variables: Record<string, unknown> }>(server, `/cockpit/api/instances/${flaky.id}`);
    expect(detail.body.path.active).toEqual(['Task_Score']);
    expect(detail.body.path.visited).toContain('Start');
    expect(detail.body.incidents[0]!.message).toContain('connection refused');

    server.flaky.failing = false;
    const retried = await fetch(`${server.url}/cockpit/api/incidents/${detail.body.incidents[0]!.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    await engine.whenIdle();
    expect(engine.queries.incidentsOfInstance(flaky.id)).toEqual([]);

    const tasks = await json<{ total: number; items: Array<{ id: string; instanceId: string }> }>(server, '/cockpit/api/tasks?candidateGroup=analysts');
    const check = tasks.body.items.find((t) => t.instanceId === flaky.id)!;
    const task = await json<{ form: { kind: string; schema?: { id: string } }; modelCard: unknown }>(server, `/cockpit/api/tasks/${check.id}`);
    expect(task.body.form).toMatchObject({ kind: 'form-js', schema: { id: 'check-scores' } });
    expect(task.body.modelCard).toBeNull();

    const approveTask = (await json<{ items: Array<{ id: string; instanceId: string }> }>(server, '/cockpit/api/tasks?candidateGroup=model-reviewers')).body.items.find((t) => t.instanceId === approval.id)!;
    const card = await json<{ form: { kind: string }; modelCard: { modelId: string } }>(server, `/cockpit/api/tasks/${approveTask.id}`);
    expect(card.body.form.kind).toBe('generated');
    expect(card.body.modelCard.modelId).toBe('fraud');
    expect((await json<{ open: boolean }>(server, `/cockpit/api/tasks/${approveTask.id}/status`)).body.open).toBe(true);
  });

  it('answers unknown ids with 404 and a message, and reports a missing registry as unavailable', async () => {
    expect((await json<{ message: string }>(server, '/cockpit/api/instances/nope')).status).toBe(404);
    expect((await json<{ message: string }>(server, '/cockpit/api/tasks/nope')).status).toBe(404);
    expect((await json<{ message: string }>(server, '/cockpit/api/definitions/nope/statistics')).status).toBe(404);
    const registry = await json<{ available: boolean }>(server, '/cockpit/api/mlc/models');
    expect(registry).toEqual({ status: 200, body: { available: false } });
    expect((await fetch(`${server.url}/cockpit/api/mlc/models`, { method: 'POST' })).status).toBe(405);
  });
});

describe('cockpit behind basic auth', () => {
  let server: CockpitServer;
  beforeAll(async () => {
    server = await startCockpitServer({ auth: { mode: 'basic', users: { alice: 'secret' } } });
  });
  afterAll(async () => server?.close());

  it('asks the browser for credentials and records the signed-in user', async () => {
    const anonymous = await fetch(`${server.url}/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await fetch(`${server.url}/cockpit/api/definitions`)).status).toBe(401);
    const authorization = `Basic ${Buffer.from('alice:secret').toString('base64')}`;
    expect((await fetch(`${server.url}/`, { headers: { authorization } })).status).toBe(200);
    const info = await json<{ user: string }>(server, '/cockpit/api/info', { headers: { authorization } });
    expect(info.body.user).toBe('alice');
  });
});

describe('server-side paging with 10,000 instances', () => {
  let server: CockpitServer;
  beforeAll(async () => {
    server = await startCockpitServer();
    await server.engine.deploy({ name: 'load', resources: [{ name: 'wait.bpmn', content: fixture('wait.bpmn') }] });
    for (let chunk = 0; chunk < 10; chunk++) {
      await Promise.all(Array.from({ length: 1000 }, (_, i) => server.engine.start('CockpitWait', { businessKey: `load-${chunk * 1000 + i}` })));
    }
  }, 120_000);
  afterAll(async () => server?.close());

  it('answers every list the pages poll in well under a second', async () => {
    const definitionId = server.engine.latestDefinition('CockpitWait').id;
    const instanceId = server.engine.queries.instances({ processDefinitionId: definitionId, maxResults: 1 })[0]!.id;
    const taskId = server.engine.queries.tasks({ processInstanceId: instanceId, maxResults: 1 })[0]!.id;
    const paths = [
      '/cockpit/api/definitions',
      `/cockpit/api/definitions/${definitionId}/statistics`,
      `/cockpit/api/instances?definitionId=${definitionId}&firstResult=9950&maxResults=50`,
      `/cockpit/api/instances/${instanceId}`,
      '/cockpit/api/tasks?candidateGroup=load&firstResult=5000&maxResults=50',
      `/cockpit/api/tasks/${taskId}`,
    ];
    for (const path of paths) {
      const started = performance.now();
      const response = await fetch(`${server.url}${path}`);
      const elapsed = performance.now() - started;
      expect(response.status, path).toBe(200);
      expect(elapsed, `${path} took ${elapsed.toFixed(0)} ms`).toBeLessThan(500);
    }
    const stats = (await (await fetch(`${server.url}/cockpit/api/definitions/${definitionId}/statistics`)).json()) as Array<{ active: number }>;
    expect(stats[0]!.active).toBe(10_000);
    const page = (await (await fetch(`${server.url}/cockpit/api/instances?definitionId=${definitionId}&firstResult=9950&maxResults=50`)).json()) as { total: number; items: unknown[] };
    expect(page).toMatchObject({ total: 10_000 });
    expect(page.items).toHaveLength(50);
  });
});
