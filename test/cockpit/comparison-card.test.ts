/**
 * The approval card of a retrained challenger in Debian's chromium: the `comparison` variable the
 * compare step sets is drawn as champion vs challenger metrics with deltas, the bootstrap
 * interval of the deciding metric and the verdict, ROC curves, confusion matrices, PSI per
 * feature for both models and the data the figures came from; hyperparameters in their own
 * section. The retraining runs for real (seeded demo model, bundled RetrainOnDrift).
 * Skipped when /usr/bin/chromium is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { installModelLifecycle } from '../../src/mlc/index.js';
import { mlcRouter } from '../../src/mlc/http/router.js';
import { startCockpitServer, type CockpitServer } from './server.js';


describe.skipIf(!existsSync(CHROMIUM))('the comparison on the approval card, in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-comparison-card-'));

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({
      deploy: false,
      extra: async (engine, app) => {
        app.use('/mlc', mlcRouter(await installModelLifecycle(engine, { dataDir, seedDemo: true })));
      },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const json = { 'content-type': 'application/json' };
  async function openTask(instanceId: string, key: string): Promise<string> {
    const deadline = Date.now() + 40_000;
    for (;;) {
      await server.engine.whenIdle();
      const tasks = await (await fetch(`${server.url}/engine-rest/task?processInstanceId=${instanceId}`)).json() as Array<{ id: string; taskDefinitionKey: string }>;
      if (tasks[0] && tasks[0].taskDefinitionKey !== key) throw new Error(`${instanceId} stopped at ${tasks[0].taskDefinitionKey}`);
      if (tasks[0]) return tasks[0].id;
      const instance = server.engine.queries.instances({ ids: [instanceId], state: 'any' })[0];
      if (Date.now() > deadline || instance?.state !== 'active') throw new Error(`no ${key} task: ${JSON.stringify(instance)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('draws champion vs challenger with deltas, interval, verdict, ROC, confusion matrices, PSI and the data', async () => {
    // the demo model is deployed first (the champion), with training polled every second
    const model = await (await fetch(`${server.url}/mlc/models/fraud-detector`)).json() as { metadata: Record<string, unknown> };
    expect((await fetch(`${server.url}/mlc/models/fraud-detector`, { method: 'PATCH', headers: json, body: JSON.stringify({ metadata: { ...model.metadata, trainingPollInterval: 'PT1S' } }) })).status).toBe(200);
    const submitted = await (await fetch(`${server.url}/mlc/models/fraud-detector/versions/1/submit`, { method: 'POST', headers: json, body: '{}' })).json() as { processInstanceId: string };
    const first = await openTask(submitted.processInstanceId, 'Task_Approve');
    expect((await fetch(`${server.url}/engine-rest/task/${first}/complete`, { method: 'POST', headers: json, body: JSON.stringify({ variables: { approved: { value: true, type: 'Boolean' } } }) })).status).toBe(204);
    await server.engine.whenIdle();
    expect(server.engine.queries.instances({ ids: [submitted.processInstanceId], state: 'any' })[0]).toMatchObject({ endElementId: 'End_Deployed' });

    const started = await fetch(`${server.url}/mlc/retraining`, { method: 'POST', headers: json, body: JSON.stringify({ modelId: 'fraud-detector' }) });
    expect(started.status).toBe(201);
    const { processInstanceId } = await started.json() as { processInstanceId: string };
    const taskId = await openTask(processInstanceId, 'Task_Approve');
    const comparison = server.engine.variables(processInstanceId).comparison as { primaryMetric: string; challengerWins: boolean };

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.url}/#/tasks/${taskId}`);
      const card = page.locator('.comparison-card');
      await card.waitFor();
      await expect(card.locator('.verdict').textContent()).resolves.toBe(comparison.challengerWins ? 'Verdict: the challenger wins.' : 'Verdict: the champion stays.');
      await expect(card.locator('.interval').textContent()).resolves.toMatch(new RegExp(`^${comparison.primaryMetric}: Δ [+-]\\d\\.\\d{4}, 95% bootstrap interval \\[[+-]\\d\\.\\d{4}, [+-]\\d\\.\\d{4}\\]`));
      const primaryRow = card.locator(`tr[data-metric="${comparison.primaryMetric}"]`);
      await expect(primaryRow.locator('th').textContent()).resolves.toBe(`${comparison.primaryMetric} (deciding)`);
      await expect(primaryRow.locator('.delta').textContent()).resolves.toMatch(/^[+-]\d\.\d{4}$/);
      await expect(card.locator('table.comparison-metrics thead th').allTextContents()).resolves.toEqual(['Metric', expect.stringMatching(/^champion v\d+$/), expect.stringMatching(/^challenger v\d+$/), 'Δ']);
      await expect(card.locator('.roc-line').count()).resolves.toBe(2);
      await expect(card.locator('table.confusion').count()).resolves.toBe(2);
      await expect(card.locator('.bar-chart').count()).resolves.toBe(2);
      await expect(card.locator('.comparison-data').textContent()).resolves.toMatch(/^Data: scored on .+; no row of it is in the training data of .+ \(held out\)$/);
      await expect(page.locator('.hyperparameters').textContent()).resolves.toContain('iterations');
      // it is still an approval: the decision buttons are there
      await expect(page.locator('[data-action="approve"]').count()).resolves.toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
