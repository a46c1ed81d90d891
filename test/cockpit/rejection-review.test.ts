/**
 * The review task after a rejection, in Debian's chromium, with basic auth (authorization on by
 * default): alice submits, bob (an approver) rejects over REST, and carol (an owner) opens the
 * review. It shows who rejected (bob, the authenticated user, not a variable) and the reason, and
 * offers Complete, not Approve/Reject. Skipped when /usr/bin/chromium is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { installModelLifecycle } from '../../src/mlc/index.js';
import { mlcRouter } from '../../src/mlc/http/router.js';
import { startCockpitServer, type CockpitServer } from './server.js';

const USERS = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' } as const;
type User = keyof typeof USERS;
const as = (user: User) => ({ authorization: `Basic ${Buffer.from(`${user}:${USERS[user]}`).toString('base64')}`, 'content-type': 'application/json' });

describe.skipIf(!existsSync(CHROMIUM))('the review after a rejection, in chromium', () => {
  let server: CockpitServer;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-rejection-review-'));

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer({
      deploy: false,
      auth: { mode: 'basic', users: { ...USERS } },
      extra: async (engine, app) => {
        const lc = await installModelLifecycle(engine, { dataDir, seedDemo: true });
        const identity = identityOf(engine);
        identity.seedUsers(Object.keys(USERS));
        const memberships: Record<string, User[]> = {
          'data-science': ['alice', 'carol'],
          'fraud-approvers': ['bob'], 'fraud-risk-officers': ['bob'], 'credit-risk-officers': ['bob'], 'model-risk-committee': ['bob'],
        };
        for (const [group, users] of Object.entries(memberships)) {
          identity.createGroup({ id: group });
          for (const user of users) identity.addMember(group, user);
        }
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

  async function openTask(instanceId: string, key: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      await server.engine.whenIdle();
      const tasks = await (await fetch(`${server.url}/engine-rest/task?processInstanceId=${instanceId}&taskDefinitionKey=${key}`, { headers: as('alice') })).json() as Array<{ id: string }>;
      if (tasks[0]) return tasks[0].id;
      if (Date.now() > deadline) throw new Error(`no ${key} task`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('shows who rejected and why, and renders as a review', async () => {
    const submitted = await fetch(`${server.url}/mlc/models/fraud-detector/versions/1/submit`, { method: 'POST', headers: as('alice'), body: '{}' });
    expect(submitted.status).toBe(201);
    const { processInstanceId } = await submitted.json() as { processInstanceId: string };
    const approvalId = await openTask(processInstanceId, 'Task_Approve');
    const rejected = await fetch(`${server.url}/engine-rest/task/${approvalId}/complete`, {
      method: 'POST', headers: as('bob'),
      body: JSON.stringify({ variables: { approved: { value: false, type: 'Boolean' }, comment: { value: 'no fairness report attached', type: 'String' }} }),
    });
    expect(rejected.status, await rejected.clone().text()).toBe(204);
    const reviewId = await openTask(processInstanceId, 'Task_ReviewRejection');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, httpCredentials: { username: 'carol', password: USERS.carol } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${server.url}/#/tasks/${reviewId}`);
      await expect(page.locator('.rejection .rejected-by').textContent()).resolves.toBe('bob');
      await expect(page.locator('.rejection .rejection-reason').textContent()).resolves.toBe('no fairness report attached');
      await expect(page.locator('[data-action="complete"]').count()).resolves.toBe(1);
      await expect(page.locator('[data-action="approve"], [data-action="reject"]').count()).resolves.toBe(0);
      // carol (an owner) claims and completes the review; the instance ends as rejected
      await page.click('.claim button:text("Claim")');
      await page.locator('[data-assignee="carol"]').waitFor();
      await page.click('[data-action="complete"]');
      await page.waitForURL(/#\/tasks$/);
      await server.engine.whenIdle();
      expect(server.engine.queries.instances({ ids: [processInstanceId], state: 'any' })[0]).toMatchObject({ state: 'completed' });
      expect(server.engine.queries.historyOf(processInstanceId).some((row) => row.kind === 'taskCompleted' && row.elementId === 'Task_ReviewRejection' && row.actor === 'carol')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
