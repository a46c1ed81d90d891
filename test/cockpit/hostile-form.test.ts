/**
 * Markup in a Camunda Form never runs in the tasklist, even with the page's CSP switched off
 * (issue 19, item 12): a text view with raw HTML, a variable carrying HTML templated into a text
 * view, a javascript: link, an html view, and images from another host carrying a variable. Debian's chromium through playwright-core, as in
 * browser.test.ts (MLC_CHROMIUM names another binary); skipped when there is none.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { fixture, startCockpitServer, type CockpitServer } from './server.js';

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`hostile form browser test skipped: ${CHROMIUM} is missing`);

describe.skipIf(!hasChromium)('a hostile Camunda Form in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;
  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer();
    await server.engine.deploy({
      name: 'hostile',
      resources: [
        { name: 'hostile-review.bpmn', content: fixture('hostile-review.bpmn') },
        { name: 'hostile-review.form', content: fixture('hostile-review.form') },
      ],
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the markup as text and runs none of it, with the CSP bypassed', async () => {
    await server.engine.start('CockpitHostileReview', {
      businessKey: 'hostile',
      variables: { note: '<img src="x-var" onerror="window.__pwned = (window.__pwned || []).concat(\'variable\')"> please check' },
    });
    await server.engine.whenIdle();
    // bypassCSP: the page's own Content-Security-Policy is ignored, so only the rendering protects
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    await context.addInitScript(() => localStorage.setItem('mlc-cockpit-user', 'demo'));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) elsewhere.push(request.url());
    });
    try {
      await page.goto(`${server.url}/#/tasks`);
      await page.fill('#filter-group', 'hostile');
      await page.click('button:text("Filter")');
      await page.click('.task-list a:has-text("hostile")');
      await page.locator('.fjs-container').waitFor();
      await page.getByLabel('Comment').waitFor();
      const form = page.locator('.fjs-container');
      await expect.poll(() => form.textContent()).toContain('Reviewer note:');
      // give any image a chance to fail and fire its handler
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned ?? [])).toEqual([]);
      expect(await page.locator('[onerror], [onload], a[href^="javascript:" i]').count()).toBe(0);
      expect(await form.locator('img').count()).toBe(0);
      // images from other hosts (with process data templated into their address) are links, never loaded
      expect(elsewhere).toEqual([]);
      expect(await form.locator('a[href^="https://evil.example/"]').count()).toBe(2);
      // nothing was dropped: the markup is there, as text
      const text = (await form.textContent()) ?? '';
      expect(text).toContain('<img src="x-raw"');
      expect(text).toContain('<img src="x-var"');
      expect(text).toContain('please check');
      expect(text).toContain('<b>bold</b>');
      await page.click('a:text("open")').catch(() => undefined); // a neutralised link goes nowhere
      expect(await page.evaluate(() => (window as unknown as { __pwned?: string[] }).__pwned ?? [])).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
