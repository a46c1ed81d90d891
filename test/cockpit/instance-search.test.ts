/**
 * Searching running and ended instances: Camunda 7's historic process instance query (GET
 * parameters and the POST query body) over real SQLite, and the cockpit's search page in chromium.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { buildAssets, bundleIsStale } from '../../src/cockpit/index.js';
import { fixture, startCockpitServer, type CockpitServer } from './server.js';


describe('historic process instance search', () => {
  let server: CockpitServer;
  const ids: Record<string, string> = {};
  let betweenStarts = '';
  let beforeEnds = '';

  const camundaDate = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '+0000');
  const tick = async (engineNow: () => number) => {
    const at = engineNow();
    while (engineNow() <= at + 2) await new Promise((resolve) => setTimeout(resolve, 2));
    return at + 1;
  };
  const get = async (query: string) => {
    const res = await fetch(`${server.url}/engine-rest/history/process-instance?${query}`);
    return { status: res.status, body: await res.json() as Array<{ id: string; businessKey: string; state: string }> & { message?: string } };
  };
  const post = async (body: unknown, path = '') => {
    const res = await fetch(`${server.url}/engine-rest/history/process-instance${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() as never };
  };
  const keys = (rows: Array<{ businessKey: string }>) => rows.map((r) => r.businessKey).sort();

  beforeAll(async () => {
    if (bundleIsStale()) await buildAssets();
    server = await startCockpitServer();
    const { engine } = server;
    await engine.deploy({ name: 'search', resources: [{ name: 'search-wait.bpmn', content: fixture('search-wait.bpmn') }] });
    const start = async (businessKey: string, variables: Record<string, unknown>) => {
      ids[businessKey] = (await engine.start('CockpitSearchWait', { businessKey, variables })).id;
    };
    await start('order-eu-1', { region: 'eu', amount: 50, vip: false });
    await start('order-eu-2', { region: 'eu', amount: 250, vip: true });
    betweenStarts = camundaDate(await tick(() => engine.clock.now()));
    await start('order-us-1', { region: 'us', amount: 120, vip: false });
    await start('order-us-2', { region: 'eu', amount: 999, vip: false });
    // order-us-2 moved: its latest region is us, an older value must not match
    await engine.setVariables(ids['order-us-2']!, { region: 'us' });
    server.flaky.failing = true;
    ids['scoring-1'] = (await engine.start('CockpitFlakyScoring', { businessKey: 'scoring-1' })).id;
    await engine.whenIdle();
    beforeEnds = camundaDate(await tick(() => engine.clock.now()));
    const task = engine.queries.tasks({ processInstanceId: ids['order-eu-1'] })[0]!;
    await engine.completeTask(task.id, { outcome: 'shipped' });
    await engine.cancel(ids['order-us-1']!, 'customer withdrew');
    await engine.whenIdle();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('filters by a variable\'s latest value with Camunda\'s GET syntax, numerically for numbers', async () => {
    expect(keys((await get('processDefinitionKey=CockpitSearchWait&variables=amount_gt_100')).body)).toEqual(['order-eu-2', 'order-us-1', 'order-us-2']);
    expect(keys((await get('processDefinitionKey=CockpitSearchWait&variables=amount_gt_100,amount_lteq_250')).body)).toEqual(['order-eu-2', 'order-us-1']);
    expect(keys((await get('variables=region_eq_eu')).body)).toEqual(['order-eu-1', 'order-eu-2']);
    expect(keys((await get('variables=vip_eq_true')).body)).toEqual(['order-eu-2']);
    expect(keys((await get('variables=region_like_u%25')).body)).toEqual(['order-us-1', 'order-us-2']);
    // a variable set at completion counts for the ended instance
    expect(keys((await get('variables=outcome_eq_shipped&finished=true')).body)).toEqual(['order-eu-1']);
  });

  it('filters by business key pattern, state, incidents and start and end dates', async () => {
    expect(keys((await get('processInstanceBusinessKeyLike=order-us%25')).body)).toEqual(['order-us-1', 'order-us-2']);
    expect(keys((await get('processDefinitionKey=CockpitSearchWait&unfinished=true')).body)).toEqual(['order-eu-2', 'order-us-2']);
    expect(keys((await get('completed=true&processDefinitionKey=CockpitSearchWait')).body)).toEqual(['order-eu-1']);
    expect(keys((await get('externallyTerminated=true')).body)).toEqual(['order-us-1']);
    expect(keys((await get('withIncidents=true')).body)).toEqual(['scoring-1']);
    expect(keys((await get(`processDefinitionKey=CockpitSearchWait&startedAfter=${encodeURIComponent(betweenStarts)}`)).body)).toEqual(['order-us-1', 'order-us-2']);
    expect(keys((await get(`processDefinitionKey=CockpitSearchWait&startedBefore=${encodeURIComponent(betweenStarts)}`)).body)).toEqual(['order-eu-1', 'order-eu-2']);
    expect(keys((await get(`finishedAfter=${encodeURIComponent(beforeEnds)}`)).body)).toEqual(['order-eu-1', 'order-us-1']);
    expect(keys((await get(`finishedBefore=${encodeURIComponent(beforeEnds)}`)).body)).toEqual([]);
  });

  it('takes the same filters as a POST query body with typed variable values and sorting', async () => {
    const body = { processDefinitionKey: 'CockpitSearchWait', variables: [{ name: 'amount', operator: 'gteq', value: 120 }], sorting: [{ sortBy: 'businessKey', sortOrder: 'desc' }] };
    const rows = await post(body);
    expect(rows.status).toBe(200);
    expect((rows.body as Array<{ businessKey: string }>).map((r) => r.businessKey)).toEqual(['order-us-2', 'order-us-1', 'order-eu-2']);
    expect((await post(body, '/count')).body).toEqual({ count: 3 });
    const typedString = await post({ variables: [{ name: 'amount', operator: 'eq', value: '250' }] });
    expect(keys(typedString.body)).toEqual([]);
    expect(keys((await post({ processInstanceIds: [ids['order-eu-1'], ids['order-us-1']], finished: true })).body)).toEqual(['order-eu-1', 'order-us-1']);
  });

  it('filters running instances the same way: GET /process-instance variables and withIncident, POST /process-instance and /count', async () => {
    const runtime = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/engine-rest/process-instance${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, body: await res.json() as never };
    };
    const idsOf = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();
    expect(idsOf((await runtime('GET', '?variables=amount_gt_100')).body)).toEqual([ids['order-eu-2'], ids['order-us-2']].sort());
    expect(idsOf((await runtime('GET', '?withIncident=true')).body)).toEqual([ids['scoring-1']]);
    const body = { businessKeyLike: 'order-%', variables: [{ name: 'region', operator: 'eq', value: 'us' }] };
    expect(idsOf((await runtime('POST', '', body)).body)).toEqual([ids['order-us-2']]);
    expect((await runtime('POST', '/count', body)).body).toEqual({ count: 1 });
    expect((await runtime('POST', '?maxResults=1', { sorting: [{ sortBy: 'businessKey', sortOrder: 'asc' }], processDefinitionKey: 'CockpitSearchWait' })).body).toMatchObject([{ businessKey: 'order-eu-2' }]);
    expect((await runtime('POST', '', { variables: [{ name: 'x', operator: 'almost', value: 1 }] })).status).toBe(400);
    // a removed variable no longer matches a running instance
    await server.engine.setVariables(ids['order-us-2']!, { hold: 'yes' });
    expect(idsOf((await runtime('GET', '?variables=hold_eq_yes')).body)).toEqual([ids['order-us-2']]);
    await server.engine.setVariables(ids['order-us-2']!, {}, ['hold']);
    expect(idsOf((await runtime('GET', '?variables=hold_eq_yes')).body)).toEqual([]);
    expect(keys((await get('variables=hold_eq_yes')).body)).toEqual([]);
  });

  it('refuses a malformed filter with a message naming it', async () => {
    const badOperator = await get('variables=amount_bigger_5');
    expect(badOperator.status).toBe(400);
    expect(badOperator.body.message).toContain("Invalid variable comparator 'bigger'");
    const badShape = await get('variables=amount');
    expect(badShape.status).toBe(400);
    expect(badShape.body.message).toContain('expected name_operator_value');
    const badBody = await post({ variables: { amount: 5 } });
    expect(badBody.status).toBe(400);
    for (const body of [{ sorting: [null] }, { sorting: [{ sortBy: 'nope', sortOrder: 'asc' }] }, { variables: [{ name: 'a', operator: 'like', value: 5 }] }, { processDefinitionKey: { nested: true } }, [1, 2]]) {
      expect((await post(body)).status, JSON.stringify(body)).toBe(400);
    }
    const badDate = await get('finishedAfter=yesterday');
    expect(badDate.status).toBe(400);
    expect(badDate.body.message).toContain('finishedAfter');
  });

  it.skipIf(!existsSync(CHROMIUM))('searches from the cockpit: the filters go in the address and the results link to the instances', async () => {
    const browser: Browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(10_000);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      await page.goto(`${server.url}/#/instances`);
      await page.locator('.result-count').waitFor();
      await page.fill('#search-businessKey', 'order');
      await page.selectOption('#search-state', 'running');
      await page.fill('#search-variable', 'amount');
      await page.selectOption('#search-operator', 'gt');
      await page.fill('#search-value', '100');
      await page.click('button:text("Search")');
      await page.waitForURL(/#\/instances\?.*variable=amount/);
      await page.locator('.result-count:text("2 instances")').waitFor();
      const shown = await page.locator('.instance-results td.business-key').allTextContents();
      expect(shown.sort()).toEqual(['order-eu-2', 'order-us-2']);

      // ended ones, with their state; then open one from the list and see its final variables
      await page.selectOption('#search-state', 'ended');
      await page.fill('#search-variable', '');
      await page.click('button:text("Search")');
      await page.locator('.result-count:text("2 instances")').waitFor();
      await expect(page.locator(`tr[data-instance="${ids['order-us-1']}"]`).textContent()).resolves.toContain('cancelled');
      await page.click(`tr[data-instance="${ids['order-eu-1']}"] a`);
      await page.locator('.var-table tr[data-variable="outcome"] td.value:text-is("shipped")').waitFor();

      await page.goto(`${server.url}/#/instances?incidents=on`);
      await page.locator('.result-count:text("1 instance")').waitFor();
      await expect(page.locator('#search-incidents').isChecked()).resolves.toBe(true);
      await expect(page.locator('.instance-results td.business-key').textContent()).resolves.toBe('scoring-1');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
