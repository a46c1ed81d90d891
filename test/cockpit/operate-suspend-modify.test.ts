/**
 * Suspension and instance modification in the cockpit, in a real browser (Debian's chromium
 * through playwright-core): suspend an instance → its task cannot be completed → activate → it
 * can; suspend a definition with its instances; move a token from one task to another.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { startCockpitServer, type CockpitServer } from './server.js';

const SCREENSHOTS = join(import.meta.dirname, '..', 'screenshots');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`cockpit suspension/modification tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('cockpit suspension and modification in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({ deploy: false });
    const xml = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'modification.c7.bpmn'), 'utf8');
    await server.engine.deploy({ name: 'operate', resources: [{ name: 'modification.c7.bpmn', content: xml }] });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function withPage(name: string, fn: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => localStorage.setItem('mlc-cockpit-user', 'operator'));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // every suspend, activate and modification asks first: the operator says yes
    page.on('dialog', (dialog) => void dialog.accept());
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

  const activeElements = (instanceId: string) => server.engine.queries.elementInstancesOf(instanceId).map((ei) => ei.elementId).sort();

  it('suspends an instance: completing its task is refused until it is activated again', async () => {
    const instance = await server.engine.start('ModificationC7', { businessKey: 'suspend-in-browser' });
    const [task] = server.engine.queries.tasks({ processInstanceId: instance.id });
    await server.engine.setAssignee(task!.id, 'operator');
    await withPage('suspend-instance', async (page, errors) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.click('button[data-action="suspend-instance"]');
      await page.locator('.suspension-control .badge', { hasText: 'suspended' }).waitFor();
      expect(server.engine.instance(instance.id).suspended).toBe(true);
      // a suspended instance cannot be modified: the panel says so and keeps Apply disabled
      await page.locator('.modification p', { hasText: 'activate it to apply a modification' }).waitFor();
      await page.goto(`${server.url}/#/processes/${instance.definitionId}`);
      await page.locator(`tr:has(a[href="#/instance/${instance.id}"]) .badge`, { hasText: 'suspended' }).waitFor();

      await page.goto(`${server.url}/#/tasks/${task!.id}`);
      await page.click('button[data-action="complete"]');
      await page.locator('.decision .error', { hasText: 'is suspended' }).waitFor();
      expect(server.engine.queries.tasks({ processInstanceId: instance.id }).map((t) => t.id)).toEqual([task!.id]);

      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.click('button[data-action="activate-instance"]');
      await page.locator('button[data-action="suspend-instance"]').waitFor();
      expect(server.engine.instance(instance.id).suspended).toBeFalsy();

      await page.goto(`${server.url}/#/tasks/${task!.id}`);
      await page.click('button[data-action="complete"]');
      await expect.poll(() => activeElements(instance.id), { timeout: 10_000 }).toEqual(['Check', 'Validation']);
      // the one console error is the refused completion's answer (Camunda's 500 RestException)
      expect(errors).toEqual([expect.stringContaining('status of 500')]);
    });
  });

  it('suspends a definition with its instances: nothing starts until it is activated', async () => {
    const running = await server.engine.start('ModificationC7', { businessKey: 'definition-suspension' });
    const definitionId = running.definitionId;
    await withPage('suspend-definition', async (page, errors) => {
      await page.goto(`${server.url}/#/processes/${definitionId}`);
      await page.locator('#suspend-include-instances').check();
      await page.click('button[data-action="suspend-definition"]');
      await page.locator('button[data-action="activate-definition"]').waitFor();
      expect(server.engine.definition(definitionId).suspended).toBe(true);
      expect(server.engine.instance(running.id).suspended).toBe(true);
      await expect(server.engine.start('ModificationC7')).rejects.toThrow(`Process Definition with id '${definitionId}' is suspended`);

      await page.click('button[data-action="activate-definition"]');
      await page.locator('button[data-action="suspend-definition"]').waitFor();
      expect(server.engine.definition(definitionId).suspended).toBeFalsy();
      expect(server.engine.instance(running.id).suspended).toBeFalsy();
      expect(errors).toEqual([]);
    });
  });

  it('moves a token from one task to another: start before the target picked on the diagram, cancel the current instance, apply', async () => {
    const instance = await server.engine.start('ModificationC7', { businessKey: 'move-token' });
    expect(activeElements(instance.id)).toEqual(['Prepare']);
    await withPage('modify-instance', async (page, errors) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.locator('g.djs-element.cp-active[data-element-id="Prepare"]').waitFor();
      // pick Approve on the diagram: the list follows
      await page.click('g.djs-element[data-element-id="Approve"]');
      await expect.poll(() => page.locator('#mod-activity').inputValue()).toBe('Approve');
      await page.click('button[data-action="start-before"]');
      await page.click('li[data-element="Prepare"] button[data-action="cancel-instance"]');
      await expect(page.locator('ol.mod-plan li').allTextContents()).resolves.toEqual([
        expect.stringContaining('Start before Approve (Approve)'),
        expect.stringContaining('Cancel Prepare data'),
      ]);
      await page.fill('#mod-annotation', 'data was prepared offline');
      await page.click('button[data-action="apply-modification"]');
      // the token moved: Approve is active on the diagram, Prepare no longer
      await page.locator('g.djs-element.cp-active[data-element-id="Approve"]').waitFor();
      await expect.poll(() => page.locator('g.djs-element.cp-active[data-element-id="Prepare"]').count()).toBe(0);
      await expect.poll(() => page.locator('ol.mod-plan li').count()).toBe(0);
      expect(activeElements(instance.id)).toEqual(['Approve']);
      const modified = server.engine.queries.historyOf(instance.id).find((row) => row.kind === 'instanceModified');
      expect(JSON.stringify(modified?.data)).toContain('data was prepared offline');

      // a refused instruction shows the server's reason and changes nothing
      await page.selectOption('#mod-activity', 'End');
      await page.click('button[data-action="start-after"]');
      await page.click('button[data-action="apply-modification"]');
      await page.locator('.modification .field-error', { hasText: "Activity 'End' has no outgoing sequence flow to take" }).waitFor();
      expect(activeElements(instance.id)).toEqual(['Approve']);
      // the one console error is the refused modification's answer (400)
      expect(errors).toEqual([expect.stringContaining('status of 400')]);
    });
  });
});
