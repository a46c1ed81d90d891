/**
 * The model page in Debian's chromium: "Run backtest now" and "Retrain now" start the bundled
 * monitors for the model, and the retrain policy is on the page. Skipped when /usr/bin/chromium
 * is missing (as the cockpit's own browser tests are).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../cockpit/chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { installModelLifecycle, type ModelLifecycle } from '../../src/mlc/index.js';
import { mlcRouter } from '../../src/mlc/http/router.js';
import { startCockpitServer, type CockpitServer } from '../cockpit/server.js';

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('the model page in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;
  let lc: ModelLifecycle;
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-model-page-'));

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({
      deploy: false,
      extra: async (engine, app) => {
        lc = await installModelLifecycle(engine, { dataDir, seedDemo: true, retrain: { cooldownHours: 12 } });
        app.use('/mlc', mlcRouter(lc));
      },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the retrain policy and starts a backtest and a retraining from their buttons', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.url}/#/models/fraud-detector`);
      await expect(page.locator('.retrain-policy').filter({ hasText: 'at most once every 12 h' }).textContent())
        .resolves.toMatch(/the server's default\); a person approves every retrained version\. No automatic retrain yet\./);

      await page.click('button:text("Run backtest now")');
      const backtestLink = page.locator('.lifecycle-status a');
      await backtestLink.waitFor();
      await expect(page.locator('.lifecycle-status').textContent()).resolves.toMatch(/^Backtest started: /);
      const backtestId = await backtestLink.textContent();
      expect(server.engine.queries.instances({ ids: [backtestId!], state: 'any' })[0]).toMatchObject({ definitionKey: 'DailyBacktesting', startElementId: 'Start_Manual' });
      const modelVar = await (await fetch(`${server.url}/engine-rest/history/variable-instance?processInstanceId=${backtestId}&variableName=modelId`)).json();
      expect(modelVar[0]).toMatchObject({ value: 'fraud-detector' });

      await page.click('button:text("Retrain now")');
      await page.locator('.lifecycle-status').filter({ hasText: 'Retraining started' }).waitFor();
      const retrainId = await page.locator('.lifecycle-status a').textContent();
      expect(server.engine.queries.instances({ ids: [retrainId!], state: 'any' })[0]).toMatchObject({ definitionKey: 'RetrainOnDrift', startElementId: 'Start_Manual' });
      // the link opens the instance
      await page.click('.lifecycle-status a');
      await page.waitForURL(new RegExp(`#/instance/${retrainId}`));
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
