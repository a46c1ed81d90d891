/**
 * Camunda 7 generated task forms (`camunda:formData`): compiled with their types, defaults and
 * constraints, warned about at deploy where the engine cannot render or check them, served by
 * `GET /task/{id}/form-variables`, checked on the server at completion, and filled in the tasklist.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import type { DeployResult } from '../../src/runtime/deployer.js';
import { fixture, startCockpitServer, type CockpitServer } from './server.js';


describe('camunda:formData generated forms', () => {
  let server: CockpitServer;
  let deployed: DeployResult;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer();
    deployed = await server.engine.deploy({ name: 'form-data', resources: [{ name: 'form-data.bpmn', content: fixture('form-data.bpmn') }] });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  const rest = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/engine-rest${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: res.status === 204 ? null : await res.json() as Record<string, unknown> };
  };
  const startRequest = async (businessKey: string) => {
    const instance = await server.engine.start('CockpitRetrainRequest', { businessKey, variables: { modelId: 'fraud' } });
    await server.engine.whenIdle();
    return { instance, task: server.engine.queries.tasks({ processInstanceId: instance.id })[0]! };
  };

  it('compiles the fields and warns at deploy about what it cannot render or check', () => {
    const node = server.engine.graph(deployed.definitions![0]!.id).nodes.Task_Request!;
    expect(node.userTask?.formFields?.map((f) => [f.id, f.type])).toEqual([['reason', 'string'], ['epochs', 'long'], ['urgent', 'boolean'], ['startOn', 'date'], ['dataset', 'enum'], ['modelId', 'string']]);
    expect(node.userTask?.formFields?.[0]?.validation).toEqual({ required: true, minlength: 5, maxlength: 40 });
    expect(node.userTask?.formFields?.[4]?.values?.map((v) => v.id)).toEqual(['last7', 'last30', 'all']);
    const messages = deployed.warnings.map((w) => w.message);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringContaining("camunda:formField 'budget' has type 'money', which the tasklist cannot render"),
      expect.stringContaining("camunda:formField 'approvedBy': validation constraint 'validator' is not supported"),
    ]));
    expect(messages.filter((m) => m.includes('reason') || m.includes('epochs'))).toEqual([]);
  });

  it('answers form-variables with each field\'s value or default, typed by the field', async () => {
    const { task } = await startRequest('form-variables');
    const { status, body } = await rest('GET', `/task/${task.id}/form-variables`);
    expect(status).toBe(200);
    expect(Object.keys(body!)).toEqual(['reason', 'epochs', 'urgent', 'startOn', 'dataset', 'modelId']);
    expect(body).toMatchObject({
      reason: { type: 'Null', value: null },
      epochs: { type: 'Long', value: 10 },
      urgent: { type: 'Boolean', value: false },
      dataset: { type: 'String', value: 'last30' },
      modelId: { type: 'String', value: 'fraud' },
    });
    expect(Object.keys((await rest('GET', `/task/${task.id}/form-variables?variableNames=epochs`)).body!)).toEqual(['epochs']);
  });

  it('refuses a completion that breaks the constraints, naming every field, and keeps the task open', async () => {
    const { task } = await startRequest('server-check');
    const bad = await rest('POST', `/task/${task.id}/complete`, { variables: {
      reason: { value: 'no', type: 'String' },
      epochs: { value: 900, type: 'Long' },
      dataset: { value: 'yesterday', type: 'String' },
      modelId: { value: 'other', type: 'String' },
    } });
    expect(bad.status).toBe(400);
    const message = String(bad.body!.message);
    expect(message).toContain("'Reason' (reason) must have at least 5 characters");
    expect(message).toContain("'Epochs' (epochs) must be at most 500");
    expect(message).toContain("'Dataset' (dataset) must be one of last7, last30, all");
    expect(message).toContain("'Model' (modelId) is read-only");
    expect(server.engine.core.runtime.getTask(task.id)).toBeDefined();
    const missing = await rest('POST', `/task/${task.id}/submit-form`, { variables: { epochs: { value: 5, type: 'Long' } } });
    expect(missing.status).toBe(400);
    expect(String(missing.body!.message)).toContain("'Reason' (reason) is required");
    expect(String(missing.body!.message)).toContain("'Dataset' (dataset) is required");
    const good = await rest('POST', `/task/${task.id}/submit-form`, { variables: { reason: { value: 'drift on cardAge', type: 'String' }, dataset: { value: 'all', type: 'String' } } });
    expect(good.status).toBe(204);
    expect(server.engine.core.runtime.getTask(task.id)).toBeUndefined();
  });

  it.skipIf(!existsSync(CHROMIUM))('renders the form in the tasklist with defaults and constraints and completes it with typed values', async () => {
    const { instance, task } = await startRequest('tasklist-form');
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(() => localStorage.setItem('mlc-cockpit-user', 'ds-lead'));
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/#/tasks/${task.id}`);
      await page.locator('.form-data').waitFor();
      await expect(page.getByLabel('Epochs').inputValue()).resolves.toBe('10');
      await expect(page.getByLabel('Dataset').inputValue()).resolves.toBe('last30');
      await expect(page.locator('[data-field="modelId"]').inputValue()).resolves.toBe('fraud');
      await expect(page.locator('[data-field="modelId"]').isDisabled()).resolves.toBe(true);
      await expect(page.getByLabel('Reason').getAttribute('minlength')).resolves.toBe('5');
      await page.click('button:text-is("Claim")');
      await page.locator('[data-assignee="ds-lead"]').waitFor();
      // the browser checks first: a missing required reason stops the completion
      await page.click('button[data-action="complete"]');
      await expect(page.locator('.decision .error').textContent()).resolves.toContain('Reason');
      expect(server.engine.core.runtime.getTask(task.id)).toBeDefined();
      await page.getByLabel('Reason').fill('accuracy fell below 0.8');
      await page.getByLabel('Epochs').fill('25');
      await page.getByLabel('Urgent').check();
      await page.getByLabel('Start on').fill('2026-12-07');
      await page.getByLabel('Dataset').selectOption('last7');
      await page.click('button[data-action="complete"]');
      await page.waitForURL(/#\/tasks$/);
      const variables = server.engine.variables(instance.id);
      expect(variables).toMatchObject({ reason: 'accuracy fell below 0.8', epochs: 25, urgent: true, dataset: 'last7', modelId: 'fraud' });
      expect(variables.startOn).toEqual(new Date('2026-12-07T00:00:00.000Z'));
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
