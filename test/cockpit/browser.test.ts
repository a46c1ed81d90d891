/**
 * The cockpit in a real browser: Debian's chromium driven by playwright-core (never a downloaded
 * browser). Skipped with a message when /usr/bin/chromium is missing; `.ci/run` installs it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { startCockpitServer, type CockpitServer } from './server.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`cockpit browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does this)`);

const brokenFile = join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'broken-malformed.bpmn');

describe.skipIf(!hasChromium)('cockpit in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh page at 1280×800 that records console errors; on failure a screenshot goes to test/screenshots/. */
  async function withPage(name: string, fn: (page: Page, errors: string[]) => Promise<void>, user = 'demo'): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((u) => localStorage.setItem('mlc-cockpit-user', u), user);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    try {
      await fn(page, errors);
    } catch (error) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }

  it('renders the diagram as SVG with the active element highlighted and the path taken coloured', async () => {
    const instance = await server.engine.start('CockpitModelApproval', { businessKey: 'diagram' });
    await server.engine.whenIdle();
    await withPage('instance-diagram', async (page, errors) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      const active = page.locator('.diagram-canvas svg g.djs-element.cp-active[data-element-id="Task_Approve"]');
      await active.waitFor();
      await expect(page.locator('.diagram-canvas svg g.djs-element.cp-visited[data-element-id="Task_Test"]').count()).resolves.toBe(1);
      await expect(page.locator('g.djs-connection.cp-taken[data-element-id="Flow_1"]').count()).resolves.toBe(1);
      await expect(page.locator('g.djs-element.cp-active').count()).resolves.toBe(1);
      // the variables, pretty-printed, and the activity tree
      await expect(page.locator('pre.json').textContent()).resolves.toContain('"modelId": "fraud"');
      await expect(page.locator('.tree').textContent()).resolves.toContain('Approve model');
      // the definition's diagram counts tokens across instances
      await page.click('a:text("definition")');
      const badge = page.locator('.token-badge[data-element="Task_Approve"]');
      await badge.waitFor();
      expect(Number(await badge.textContent())).toBeGreaterThanOrEqual(1);
      expect(errors).toEqual([]);
    });
  });

  it('completes an approval by clicking through the tasklist, and the instance moves on', async () => {
    const instance = await server.engine.start('CockpitModelApproval', { businessKey: 'approve-me' });
    await server.engine.whenIdle();
    await withPage('tasklist-approval', async (page, errors) => {
      await page.goto(`${server.url}/#/tasks`);
      await page.fill('#filter-group', 'model-reviewers');
      await page.click('button:text("Filter")');
      await page.click('.task-list a:has-text("approve-me")');
      // the model card: figures, changes, and PSI per feature with the over-threshold bar flagged
      const card = page.locator('.model-card');
      await card.waitFor();
      await expect(card.textContent()).resolves.toContain('Card fraud');
      await expect(card.locator('.bar-chart rect.bar-over[data-feature="cardAge"]').count()).resolves.toBe(1);
      await expect(card.locator('.bar-chart rect.bar').count()).resolves.toBe(4);
      // deciding needs the task claimed
      await expect(page.locator('button[data-action="approve"]').isDisabled()).resolves.toBe(true);
      await page.click('button:text-is("Claim")');
      await page.locator('[data-assignee="reviewer-ann"]').waitFor();
      await page.fill('#decision-comment', 'Drift on cardAge is expected after the new card programme.');
      await page.click('button[data-action="approve"]');
      await page.waitForURL(/#\/tasks$/);
      await expect.poll(() => server.engine.queries.elementInstancesOf(instance.id).map((ei) => ei.elementId)).toEqual(['Task_Deploy']);
      const variables = server.engine.variables(instance.id);
      expect(variables).toMatchObject({ approved: true, comment: 'Drift on cardAge is expected after the new card programme.' });
      // who decided is the server's record (history), not a variable the page writes
      expect(variables).not.toHaveProperty('approver');
      const history = server.engine.queries.historyOf(instance.id);
      expect(history.some((row) => row.kind === 'taskCompleted')).toBe(true);
      expect(history.some((row) => row.kind === 'taskAssigned' && row.data?.includes('reviewer-ann'))).toBe(true);
      expect(errors).toEqual([]);
    }, 'reviewer-ann');
  });

  it("resolves an incident with its Retry button and the instance continues into a Camunda Form", async () => {
    server.flaky.failing = true;
    const instance = await server.engine.start('CockpitFlakyScoring', { businessKey: 'flaky' });
    await server.engine.whenIdle();
    expect(server.engine.queries.incidentsOfInstance(instance.id)).toHaveLength(1);
    await withPage('incident-retry', async (page, errors) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.locator('g.djs-element.cp-incident[data-element-id="Task_Score"]').waitFor();
      await expect(page.locator('.incident-message').textContent()).resolves.toContain('connection refused');
      server.flaky.failing = false;
      await page.click('.incident button:text("Retry")');
      await page.locator('text=No open incidents.').waitFor();
      await page.locator('g.djs-element.cp-active[data-element-id="Task_Check"]').waitFor();
      expect(server.engine.queries.incidentsOfInstance(instance.id)).toEqual([]);

      // the user task's camunda:formRef renders the deployed .form with form-js
      await page.click('a:text("Tasklist")');
      await page.fill('#filter-group', 'analysts');
      await page.click('button:text("Filter")');
      await page.click('.task-list a:has-text("flaky")');
      await page.locator('.fjs-container').waitFor();
      await expect(page.getByLabel('Rows scored').inputValue()).resolves.toBe('1200');
      await page.click('button:text-is("Claim")');
      await page.getByLabel('The scores look right').check();
      await page.getByLabel('Note').fill('fine');
      await page.click('button[data-action="complete"]');
      await expect.poll(() => server.engine.instance(instance.id).state).toBe('completed');
      const completed = server.engine.queries.historyOf(instance.id).filter((row) => row.kind === 'variableSet').map((row) => JSON.parse(row.data!).name);
      expect(completed).toEqual(expect.arrayContaining(['scoresLookRight', 'note']));
      expect(errors).toEqual([]);
    });
  });

  it('deploys a dropped file and shows a broken file\'s problems with line and column', async () => {
    // the unclosed serviceTask is noticed at the closing </bpmn:process> tag
    const broken = readFileSync(brokenFile, 'utf8');
    const expectedLine = broken.split('\n').findIndex((line) => line.includes('</bpmn:process>')) + 1;
    await withPage('deploy-drop', async (page) => {
      await page.goto(`${server.url}/#/deploy`);
      const drop = async (name: string, content: string) => {
        const dataTransfer = await page.evaluateHandle(({ name: n, content: c }) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([c], n, { type: 'application/xml' }));
          return transfer;
        }, { name, content });
        await page.dispatchEvent('[data-drop="deploy"]', 'drop', { dataTransfer });
      };
      await drop('broken-malformed.bpmn', broken);
      const problem = page.locator('.parse-errors tr.problem').first();
      await problem.waitFor();
      await expect(problem.locator('td[data-line]').textContent()).resolves.toBe(`line ${expectedLine}`);
      await expect(problem.textContent()).resolves.toContain('closing tag mismatch');
      await expect(page.locator('.parse-errors').textContent()).resolves.toContain('broken-malformed.bpmn');

      await drop('wait.bpmn', readFileSync(join(import.meta.dirname, 'fixtures', 'wait.bpmn'), 'utf8'));
      await page.locator('.success a:text("Wait for a person v1")').waitFor();
    });
    expect(server.engine.latestDefinition('CockpitWait').version).toBe(1);
  });

  it('shows every page without console errors, keyboard-reachable', async () => {
    const instance = await server.engine.start('CockpitModelApproval', { businessKey: 'tour' });
    await server.engine.whenIdle();
    const task = server.engine.queries.tasks({ processInstanceId: instance.id })[0]!;
    await withPage('tour', async (page, errors) => {
      const pages = ['#/processes', `#/processes/${instance.definitionId}`, `#/instance/${instance.id}`, '#/tasks', `#/tasks/${task.id}`, '#/models', '#/deploy'];
      for (const hash of pages) {
        await page.goto(`${server.url}/${hash}`);
        await page.locator('main h1, main h2').first().waitFor();
        await page.waitForTimeout(hash.includes('instance') ? 1800 : 300); // at least one refresh on the busiest page
        expect(errors, hash).toEqual([]);
      }
      // the navigation is reachable with the keyboard: skip link, brand, then the first page link
      await page.goto(`${server.url}/#/models`);
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent);
      expect(focused).toBe('Processes');
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/processes/);
      // the models page's text must be gone once the processes page has rendered (under load that takes a moment)
      await page.locator('main h1:text("Processes")').waitFor();
      await expect(page.locator('.empty:text("registry is not running")').count()).resolves.toBe(0);
    });
  });

  it('shows the model registry: versions and status, deployments, test results over time as a line chart', async () => {
    const { installModelLifecycle } = await import('../../src/mlc/lifecycle.js');
    const { mlcRouter } = await import('../../src/mlc/http/router.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'mlc-cockpit-'));
    const registryServer = await startCockpitServer({
      deploy: false,
      extra: async (engine, app) => {
        const lc = await installModelLifecycle(engine, { dataDir, seedDemo: true, deployProcesses: false });
        const day = 86_400_000;
        for (const [i, accuracy] of [0.84, 0.82, 0.77].entries()) {
          lc.store.insertTestResult({
            id: `backtest-${i}`, modelId: 'fraud-detector', version: 1, dataset: `labelled/day-${i}.csv`, purpose: 'backtest', passed: accuracy > 0.8,
            metrics: { accuracy, auc: accuracy + 0.07, f1: accuracy + 0.03 } as never, drift: { maxPsi: 0.05 * (i + 1) } as never,
            verdict: { passed: accuracy > 0.8 } as never, error: null, instanceId: null, createdAt: Date.now() - (3 - i) * day,
          });
        }
        app.use('/mlc', mlcRouter(lc));
      },
    });
    try {
      await withPage('models', async (page, errors) => {
        await page.goto(`${registryServer.url}/#/models`);
        await page.click('a:has-text("fraud-detector")');
        await page.locator('h2:text("Versions of fraud-detector")').waitFor();
        await expect(page.locator('.model-detail table').first().textContent()).resolves.toMatch(/v1\s*registered|v1\s*tested/);
        const chart = page.locator('svg.line-chart');
        await chart.waitFor();
        await expect(chart.locator('polyline').count()).resolves.toBe(4); // accuracy, auc, f1, max PSI
        await expect(chart.locator('circle').count()).resolves.toBe(12);
        await expect(page.locator('text=labelled/day-2.csv').count()).resolves.toBe(1);
        expect(errors).toEqual([]);
      });
    } finally {
      await registryServer.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
