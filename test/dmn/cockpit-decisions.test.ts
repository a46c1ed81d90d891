/**
 * The cockpit's decisions pages in a real browser (Debian's chromium, as test/cockpit does): the
 * list, the read-only dmn-js table with the rules that fired highlighted, and the link from an
 * instance's history. Skipped with a message when /usr/bin/chromium is missing.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../cockpit/chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { startCockpitServer, type CockpitServer } from '../cockpit/server.js';
import { fixture } from './helpers.js';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`cockpit decision tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run does this)`);

describe.skipIf(!hasChromium)('cockpit decisions in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer();
    await server.engine.deploy({ name: 'dinner', resources: [{ name: 'dinner.c7.bpmn', content: fixture('dinner.c7.bpmn') }, { name: 'dish.dmn', content: fixture('dish.dmn') }] });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists decisions, shows the table read-only and highlights the rules that fired, reached from the instance history', async () => {
    const instance = await server.engine.start('DinnerC7', { variables: { month: 1, guestCount: 4 } });
    await server.engine.whenIdle();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await page.goto(`${server.url}/#/decisions`);
      await page.locator('tr[data-decision="dish"] a').waitFor();
      await expect(page.locator('tr[data-decision]').count()).resolves.toBe(2);

      // from the instance's history to the evaluation of its business-rule task
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.locator('a:text("dish v1: Rule_roastbeef")').click();
      const fired = page.locator('.dmn-canvas td.cp-fired-rule[data-row-id="Rule_roastbeef"]');
      await fired.first().waitFor();
      // every cell of the fired rule is marked, no cell of another rule
      expect(await page.locator('.dmn-canvas .cp-fired-rule').count()).toBe(await page.locator('.dmn-canvas td[data-row-id="Rule_roastbeef"]').count());
      await expect(page.locator('.dmn-canvas').textContent()).resolves.toContain('Spareribs');
      // read-only: dmn-js's viewer renders no editable cells
      await expect(page.locator('.dmn-canvas [contenteditable="true"]').count()).resolves.toBe(0);
      await expect(page.locator('main').textContent()).resolves.toContain('Rules that fired: Rule_roastbeef');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
