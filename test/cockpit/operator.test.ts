/**
 * The cockpit's operator views in a real browser (Debian's chromium through playwright-core):
 * the global incident list with retry and resolve, typed variable editing, and instance search.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { fixture, startCockpitServer, type CockpitServer } from './server.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`cockpit operator tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('cockpit operator views in chromium', () => {
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

  async function withPage(name: string, fn: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(() => localStorage.setItem('mlc-cockpit-user', 'operator'));
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

  it('lists every open incident with its error details, retries a job with a chosen count and resolves another', async () => {
    server.flaky.failing = true;
    const first = await server.engine.start('CockpitFlakyScoring', { businessKey: 'incident-retry' });
    const second = await server.engine.start('CockpitFlakyScoring', { businessKey: 'incident-resolve' });
    await server.engine.whenIdle();
    expect(server.engine.queries.incidentsOfInstance(first.id)).toHaveLength(1);
    expect(server.engine.queries.incidentsOfInstance(second.id)).toHaveLength(1);
    const [incidentOfFirst] = server.engine.queries.incidentsOfInstance(first.id);
    const [incidentOfSecond] = server.engine.queries.incidentsOfInstance(second.id);
    await withPage('incidents', async (page, errors) => {
      await page.goto(`${server.url}/#/incidents`);
      const row = page.locator(`li.incident[data-incident="${incidentOfFirst!.id}"]`);
      await row.waitFor();
      await expect(row.locator('.incident-message').textContent()).resolves.toContain('connection refused (10.0.0.7:8500)');
      await expect(row.textContent()).resolves.toContain('incident-retry');
      await expect(row.locator('a.instance-link').textContent()).resolves.toBe(first.id);
      await expect(row.locator('a.element-link').textContent()).resolves.toBe('Task_Score');
      // the stack trace of the failed job, behind a disclosure
      await row.locator('details.stacktrace summary').click();
      const details = await row.locator('details.stacktrace pre').textContent();
      expect(details).toContain('scoring service unavailable');
      expect(details).toMatch(/\n\s+at /);

      // still failing: three more attempts, the incident comes back with the retries spent
      await row.locator('input.retries').fill('3');
      await row.locator('button[data-action="retry"]').click();
      await expect.poll(() => server.engine.queries.jobs({ now: Date.now(), processInstanceId: first.id })[0]?.attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      await expect.poll(() => server.engine.queries.incidentsOfInstance(first.id).length, { timeout: 10_000 }).toBe(1);

      server.flaky.failing = false;
      const again = page.locator(`li.incident[data-incident="${server.engine.queries.incidentsOfInstance(first.id)[0]!.id}"]`);
      await again.locator('button[data-action="retry"]').click();
      await expect.poll(() => server.engine.queries.elementInstancesOf(first.id).map((ei) => ei.elementId), { timeout: 10_000 }).toEqual(['Task_Check']);

      // resolve: the incident goes away and its element runs again
      await page.locator(`li.incident[data-incident="${incidentOfSecond!.id}"] button[data-action="resolve"]`).click();
      await expect.poll(() => server.engine.queries.elementInstancesOf(second.id).map((ei) => ei.elementId), { timeout: 10_000 }).toEqual(['Task_Check']);
      await page.locator('text=No open incidents.').waitFor();
      expect(errors).toEqual([]);
    });
  });

  it('edits typed variables of a running instance, rejects a bad value with the server\'s message, and shows an ended instance\'s final variables', async () => {
    const instance = await server.engine.start('CockpitModelApproval', { businessKey: 'variables' });
    await server.engine.whenIdle();
    await withPage('variables', async (page, errors) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.locator('.var-table tr[data-variable="modelId"]').waitFor();
      await expect(page.locator('.var-table tr[data-variable="modelVersion"] td.type').textContent()).resolves.toBe('Integer');
      const submit = async (name: string, type: string, value: string | null) => {
        await page.fill('#var-name', name);
        await page.selectOption('#var-type', type);
        if (value !== null) await page.fill('#var-value', value);
        await page.click('button[data-action="save-variable"]');
      };
      // a valid value: wait until the table shows it, so the next edit does not race the re-render
      const set = async (name: string, type: string, value: string | null) => {
        await submit(name, type, value);
        await page.locator(`.var-table tr[data-variable="${name}"] td.type:text-is("${type}")`).waitFor();
      };
      await set('threshold', 'Integer', '42');
      await page.locator('.var-table tr[data-variable="threshold"] td.type:text-is("Integer")').waitFor();
      await set('bigCount', 'Long', '9007199254740991');
      await set('ratio', 'Double', '0.25');
      await set('enabled', 'Boolean', 'true');
      await set('config', 'Json', '{"layers": [64, 32], "dropout": 0.1}');
      await set('reviewBy', 'Date', '2026-12-01T09:30:00.000+0000');
      await set('cleared', 'Null', null);
      await set('note', 'String', '42');
      await page.locator('.var-table tr[data-variable="note"]').waitFor();
      // a value that is not of its type is refused with the server's reason; nothing is written
      await submit('threshold', 'Integer', 'forty');
      // the error line is cleared when a save starts and filled when the server answers: wait for the answer
      await page.locator('.field-error', { hasText: "to type Integer (variable 'threshold')" }).waitFor();
      await submit('config', 'Json', '{broken');
      await page.locator('.field-error', { hasText: 'JSON' }).waitFor();
      await page.locator('.var-table tr[data-variable="cleared"] td.type:text-is("Null")').waitFor();
      const variables = server.engine.variables(instance.id);
      expect(variables).toMatchObject({ threshold: 42, bigCount: 9007199254740991, ratio: 0.25, enabled: true, config: { layers: [64, 32], dropout: 0.1 }, cleared: null, note: '42' });
      expect(variables.reviewBy).toEqual(new Date('2026-12-01T09:30:00.000Z'));
      // editing fills the form from the row; removing asks first
      await page.click('.var-table tr[data-variable="ratio"] button[data-action="edit"]');
      await expect(page.locator('#var-type').inputValue()).resolves.toBe('Double');
      await expect(page.locator('#var-value').inputValue()).resolves.toBe('0.25');
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('.var-table tr[data-variable="note"] button[data-action="remove"]');
      await expect.poll(() => Object.hasOwn(server.engine.variables(instance.id), 'note')).toBe(false);
      await expect.poll(() => page.locator('.var-table tr[data-variable="note"]').count()).toBe(0);

      await server.engine.cancel(instance.id, 'test over');
      await page.locator('text=Final values, from the history.').waitFor();
      await expect(page.locator('.var-table tr[data-variable="threshold"] td.value').textContent()).resolves.toBe('42');
      await expect(page.locator('.var-table tr[data-variable="config"] td.type').textContent()).resolves.toBe('Json');
      await expect(page.locator('.var-table tr[data-variable="modelId"] td.value').textContent()).resolves.toBe('fraud');
      await expect(page.locator('button[data-action="save-variable"]').isVisible()).resolves.toBe(false);
      // the browser logs the two refused requests; nothing else went wrong
      expect(errors.filter((e) => e.includes('status of 400'))).toHaveLength(2);
      expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    });
  });

  it('keeps token badges readable when a forty-step process is fitted to the width, and zooms and pans with the keyboard', async () => {
    const { definitions } = await server.engine.deploy({ name: 'long', resources: [{ name: 'long-pipeline.bpmn', content: fixture('long-pipeline.bpmn') }] });
    for (let i = 0; i < 3; i++) await server.engine.start('CockpitLongPipeline', { businessKey: `long-${i}` });
    await server.engine.whenIdle();
    await withPage('long-diagram', async (page, errors) => {
      await page.goto(`${server.url}/#/processes/${definitions![0]!.id}`);
      const badge = page.locator('.token-badge[data-element="Task_1"]');
      await badge.waitFor();
      await expect(badge.textContent()).resolves.toBe('3');
      const task = page.locator('g.djs-element[data-element-id="Task_1"]');
      const far = page.locator('g.djs-element[data-element-id="Task_11"]');
      /** drawn pixels per diagram unit: Task_1 and Task_11 are 1600 units apart */
      const scale = async () => ((await far.boundingBox())!.x - (await task.boundingBox())!.x) / 1600;
      const fitted = await scale();
      // fitted to the width, the diagram is drawn at a fraction of its size...
      expect(fitted).toBeLessThan(0.3);
      // ...but the badge keeps its own: at least 12 px text in a 16 px pill
      const badgeBox = (await badge.boundingBox())!;
      expect(badgeBox.height).toBeGreaterThanOrEqual(16);
      expect(await badge.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(12);

      await page.locator('.diagram-canvas svg[tabindex]').first().focus();
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      const zoomed = await scale();
      expect(zoomed / fitted).toBeCloseTo(1.5625, 2);
      const before = (await task.boundingBox())!.x;
      await page.keyboard.press('ArrowLeft');
      expect((await task.boundingBox())!.x - before).toBeCloseTo(60, 0);
      await page.keyboard.press('-');
      expect((await scale()) / zoomed).toBeCloseTo(0.8, 2);
      await page.keyboard.press('0');
      expect(await scale()).toBeCloseTo(fitted, 3);
      await page.click('button[data-action="zoom-in"]');
      expect((await scale()) / fitted).toBeCloseTo(1.25, 2);
      expect(errors).toEqual([]);
    });
  });
});
