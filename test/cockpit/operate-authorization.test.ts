/**
 * The cockpit's suspend button against a server with sign-in and authorization on (the default
 * table: suspend is admins' only), in a real browser: an admin suspends and activates an
 * instance; a signed-in user without the permission is refused by the server, sees the refusal,
 * and the instance stays active.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { parseAuthorizationTable } from '../../src/identity/authorizations.js';
import { startCockpitServer, type CockpitServer } from './server.js';

const USERS = { root: 'root-secret-1', carol: 'carol-secret-1' };
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`cockpit authorization tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

describe.skipIf(!hasChromium)('cockpit operator actions with authorization on', () => {
  let server: CockpitServer;
  let browser: Browser;

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({
      deploy: false,
      auth: { mode: 'basic', users: USERS, authorization: { enabled: true, table: parseAuthorizationTable(undefined) } },
    });
    identityOf(server.engine).createGroup({ id: 'camunda-admin' });
    identityOf(server.engine).addMember('camunda-admin', 'root');
    const xml = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'modification.c7.bpmn'), 'utf8');
    await server.engine.deploy({ name: 'operate', resources: [{ name: 'modification.c7.bpmn', content: xml }] });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function asUser(user: keyof typeof USERS, fn: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: user, password: USERS[user] } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (dialog) => void dialog.accept());
    try {
      await fn(page);
    } finally {
      await context.close();
    }
  }

  it('lets the admin suspend and activate, and shows the refusal to a user without the permission', async () => {
    const instance = await server.engine.start('ModificationC7', { businessKey: 'authorized-suspension' });
    await asUser('carol', async (page) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.click('button[data-action="suspend-instance"]');
      await page.locator('#notice', { hasText: "does not have 'SUSPEND_INSTANCE' permission" }).waitFor();
      expect(server.engine.instance(instance.id).suspended).toBeFalsy();
    });
    await asUser('root', async (page) => {
      await page.goto(`${server.url}/#/instance/${instance.id}`);
      await page.click('button[data-action="suspend-instance"]');
      await page.locator('.suspension-control .badge', { hasText: 'suspended' }).waitFor();
      expect(server.engine.instance(instance.id).suspended).toBe(true);
      await page.click('button[data-action="activate-instance"]');
      await page.locator('button[data-action="suspend-instance"]').waitFor();
      expect(server.engine.instance(instance.id).suspended).toBeFalsy();
    });
  });
});
