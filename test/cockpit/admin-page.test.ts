/**
 * The cockpit's Users page in Debian's chromium, with basic auth (authorization on by default):
 * a member of camunda-admin creates a user and a group, adds and removes a member through the
 * existing /engine-rest identity routes; a non-admin's attempt is refused by the server and the
 * page says so. Skipped when /usr/bin/chromium is missing.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { startCockpitServer, type CockpitServer } from './server.js';

const USERS = { root: 'root-secret', carol: 'carol-secret' } as const;

describe.skipIf(!existsSync(CHROMIUM))('the Users page, in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({
      deploy: false,
      auth: { mode: 'basic', users: { ...USERS } },
      extra: async (engine) => {
        const identity = identityOf(engine);
        identity.seedUsers(Object.keys(USERS));
        identity.createGroup({ id: 'camunda-admin' });
        identity.addMember('camunda-admin', 'root');
      },
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function asUser(user: keyof typeof USERS, fn: (page: import('playwright-core').Page, errors: string[]) => Promise<void>) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: user, password: USERS[user] } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await fn(page, errors);
    } finally {
      await context.close();
    }
  }

  it('an admin manages users, groups and memberships; a non-admin is refused by the server', async () => {
    await asUser('root', async (page, errors) => {
      await page.goto(`${server.url}/#/admin`);
      await page.locator('tr[data-user="root"]').waitFor();
      await page.fill('#new-user-id', 'dave');
      await page.fill('#new-user-first-name', 'Dave');
      await page.fill('#new-user-password', 'dave-secret-1');
      await page.click('#create-user button[type="submit"]');
      await page.locator('tr[data-user="dave"]').waitFor();
      await page.fill('#new-group-id', 'reviewers');
      await page.fill('#new-group-name', 'Reviewers');
      await page.click('#create-group button[type="submit"]');
      await page.locator('tr[data-group="reviewers"]').waitFor();
      await page.fill('#member-user', 'dave');
      await page.fill('#member-group', 'reviewers');
      await page.click('#add-member button[type="submit"]');
      await page.locator('tr[data-group="reviewers"] [data-member="dave"]').waitFor();
      expect(identityOf(server.engine).groupIdsOf('dave')).toEqual(['reviewers']);
      // the password typed on the page is dave's stored password
      await expect(identityOf(server.engine).authenticate('dave', 'dave-secret-1')).resolves.toBe('dave');
      await page.click('[data-remove="reviewers/dave"]');
      await page.locator('tr[data-group="reviewers"] [data-member="dave"]').waitFor({ state: 'detached' });
      expect(identityOf(server.engine).groupIdsOf('dave')).toEqual([]);
      expect(errors).toEqual([]);
    });
    await asUser('carol', async (page) => {
      await page.goto(`${server.url}/#/admin`);
      await page.locator('tr[data-group="reviewers"]').waitFor();
      await page.fill('#member-user', 'carol');
      await page.fill('#member-group', 'reviewers');
      await page.click('#add-member button[type="submit"]');
      await expect(page.locator('.admin .error').filter({ hasText: 'failed' }).textContent()).resolves.toMatch(/carol added to reviewers failed: .*does not have/);
      expect(identityOf(server.engine).groupIdsOf('carol')).toEqual([]);
    });
  }, 60_000);
});
