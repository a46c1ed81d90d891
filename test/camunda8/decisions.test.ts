import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startC8, type C8TestServer } from './helpers.js';

const DMN = join(import.meta.dirname, '..', 'fixtures', 'dmn');

describe('/v2 decisions with @camunda8/sdk: deploy, evaluate, search', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8();
  });
  afterAll(async () => {
    await t.close();
  });

  it('deploys a DMN file: one entry per decision and one for its requirements graph', async () => {
    const deployed = await t.rest.deployResourcesFromFiles([join(DMN, 'dish.dmn')]);
    expect(deployed.decisions.map((d) => d.decisionDefinitionId).sort()).toEqual(['dish', 'season']);
    const dish = deployed.decisions.find((d) => d.decisionDefinitionId === 'dish')!;
    expect(dish).toMatchObject({ name: 'Dish', version: 1, tenantId: '<default>', decisionRequirementsId: 'dinnerDecisions' });
    expect(dish.decisionDefinitionKey).toMatch(/^[0-9]+$/);
    expect(deployed.decisionRequirements).toHaveLength(1);
    expect(deployed.decisionRequirements[0]).toMatchObject({
      decisionRequirementsId: 'dinnerDecisions', decisionRequirementsName: 'Dinner Decisions', version: 1, resourceName: 'dish.dmn', tenantId: '<default>',
      decisionRequirementsKey: dish.decisionRequirementsKey,
    });
    // an unchanged file answers the versions already deployed
    const again = await t.rest.deployResourcesFromFiles([join(DMN, 'dish.dmn')]);
    expect(again.decisions.find((d) => d.decisionDefinitionId === 'dish')!.decisionDefinitionKey).toBe(dish.decisionDefinitionKey);
    expect(again.decisionRequirements[0]!.version).toBe(1);
  });

  it('evaluates by id: output, the required decision first, matched rules and inputs as JSON text', async () => {
    const result = await t.rest.evaluateDecision({ decisionDefinitionId: 'dish', variables: { month: 1, guestCount: 4 } });
    expect(result).toMatchObject({ decisionDefinitionId: 'dish', decisionDefinitionName: 'Dish', decisionDefinitionVersion: 1, decisionRequirementsId: 'dinnerDecisions', tenantId: '<default>', failureMessage: '' });
    expect(JSON.parse(result.output)).toBe('Roastbeef');
    expect(result.evaluatedDecisions.map((d) => d.decisionDefinitionId)).toEqual(['season', 'dish']);
    const [season, dish] = result.evaluatedDecisions;
    expect(JSON.parse(season!.output)).toBe('Winter');
    expect(season!.decisionDefinitionType).toBe('DECISION_TABLE');
    expect(season!.evaluatedInputs).toEqual([{ inputId: 'Input_month', inputName: 'Month', inputValue: '1' }]);
    expect(dish!.matchedRules).toHaveLength(1);
    expect(dish!.matchedRules[0]).toMatchObject({ ruleId: 'Rule_roastbeef', ruleIndex: 2 });
    expect(dish!.matchedRules[0]!.evaluatedOutputs[0]).toMatchObject({ outputId: 'Output_dish', outputName: 'desiredDish', outputValue: '"Roastbeef"' });
    // recorded in the same decision history Camunda 7's evaluate writes to
    const history = await (await fetch(`${t.url}/engine-rest/history/decision-instance?decisionDefinitionKey=dish`)).json() as Array<{ id: string }>;
    expect(history).toHaveLength(1);
  });

  it('evaluates by key; a literal expression over a FIRST table; COLLECT lists; a failing evaluation is a 400 naming the decision', async () => {
    const deployed = await t.rest.deployResourcesFromFiles([join(DMN, 'risk-score.dmn')]);
    const key = deployed.decisions.find((d) => d.decisionDefinitionId === 'riskScore')!.decisionDefinitionKey;
    const result = await t.rest.evaluateDecision({ decisionDefinitionKey: key, variables: { amount: 100, country: 'US' } });
    expect(JSON.parse(result.output)).toBe(150);
    expect(result.evaluatedDecisions.map((d) => [d.decisionDefinitionId, d.decisionDefinitionType, JSON.parse(d.output)])).toEqual([
      ['riskFactor', 'DECISION_TABLE', 1.5],
      ['riskScore', 'LITERAL_EXPRESSION', 150],
    ]);
    await t.rest.deployResourcesFromFiles([join(DMN, 'hit-policies.dmn')]);
    const collect = await t.rest.evaluateDecision({ decisionDefinitionId: 'collect', variables: { amount: 120 } });
    expect(JSON.parse(collect.output)).toEqual([10, 20, 30]);
    expect(collect.evaluatedDecisions[0]!.matchedRules.map((r) => r.ruleIndex)).toEqual([1, 2, 3]);
    expect(JSON.parse((await t.rest.evaluateDecision({ decisionDefinitionId: 'collectSum', variables: { amount: 120 } })).output)).toBe(60);
    const bad = await fetch(`${t.url}/v2/decision-definitions/evaluation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decisionDefinitionId: 'uniqueOverlap', variables: { amount: 120 } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json() as { detail: string }).detail).toMatch(/uniqueOverlap.*UNIQUE/);
    const neither = await fetch(`${t.url}/v2/decision-definitions/evaluation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ variables: {} }) });
    expect(neither.status).toBe(400);
    const unknown = await fetch(`${t.url}/v2/decision-definitions/evaluation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decisionDefinitionId: 'noSuchDecision' }) });
    expect(unknown.status).toBe(404);
  });

  it('finds recorded evaluations as decision instances, the required decision linked to its root', async () => {
    const evaluation = await t.rest.evaluateDecision({ decisionDefinitionId: 'dish', variables: { month: 7, guestCount: 2 } });
    type Instance = { decisionEvaluationInstanceKey: string; decisionDefinitionId: string; decisionEvaluationKey: string; rootDecisionDefinitionKey: string; result: string; state: string };
    const found = await t.rest.callApiEndpoint<{ filter: Record<string, unknown> }, { items: Instance[] }>({
      method: 'POST', urlPath: 'decision-instances/search', body: { filter: { decisionEvaluationKey: evaluation.decisionEvaluationKey } },
    });
    expect(found.items.map((i) => [i.decisionDefinitionId, JSON.parse(i.result), i.state, i.rootDecisionDefinitionKey]).sort()).toEqual([
      ['dish', 'Light Salad and nice Steak', 'EVALUATED', evaluation.decisionDefinitionKey],
      ['season', 'Summer', 'EVALUATED', evaluation.decisionDefinitionKey],
    ]);
    const root = await (await fetch(`${t.url}/v2/decision-instances/${evaluation.decisionInstanceKey}`)).json() as Instance & { matchedRules: Array<{ ruleId: string }>; evaluatedInputs: Array<{ inputValue: string }> };
    expect(root.decisionDefinitionId).toBe('dish');
    expect(root.matchedRules.map((r) => r.ruleId)).toEqual(['Rule_salad']);
    expect(root.evaluatedInputs.map((i) => JSON.parse(i.inputValue))).toEqual(['Summer', 2]);
    await expect(t.rest.callApiEndpoint({ method: 'POST', urlPath: 'decision-instances/search', body: { filter: { noSuchField: 1 } } })).rejects.toThrow(/noSuchField/);
  });

  it('a zeebe:calledDecision task\'s evaluations are decision instances of its process instance', async () => {
    const process = await t.rest.deployResourcesFromFiles([join(DMN, 'dinner.c8.bpmn')]);
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'DinnerC8', variables: { month: 7, guestCount: 20 }, awaitCompletion: true } as never) as { processInstanceKey: string };
    type Instance = { decisionDefinitionId: string; processInstanceKey: string | null; processDefinitionKey: string | null; elementInstanceKey: string | null; result: string };
    const found = await t.rest.callApiEndpoint<{ filter: Record<string, unknown> }, { items: Instance[] }>({
      method: 'POST', urlPath: 'decision-instances/search', body: { filter: { processInstanceKey: started.processInstanceKey, decisionDefinitionId: 'dish' } },
    });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({ processDefinitionKey: process.processes[0]!.processDefinitionKey, result: '"Light Salad and nice Steak"' });
    expect(found.items[0]!.elementInstanceKey).toMatch(/^[0-9]+$/);
  });

  it('lists the decision operations in /v2/openapi.json', async () => {
    const doc = await (await fetch(`${t.url}/v2/openapi.json`)).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/decision-')).sort()).toEqual([
      '/decision-definitions/evaluation', '/decision-definitions/search', '/decision-definitions/{key}', '/decision-definitions/{key}/xml', '/decision-instances/search', '/decision-instances/{key}',
    ]);
  });

  it('searches decision definitions, gets one by key and its DMN XML', async () => {
    const search = await t.rest.callApiEndpoint<{ filter: Record<string, unknown> }, { items: Array<{ decisionDefinitionKey: string; decisionDefinitionId: string }>; page: { totalItems: number } }>({
      method: 'POST', urlPath: 'decision-definitions/search', body: { filter: { decisionRequirementsId: 'dinnerDecisions' } },
    });
    expect(search.items.map((d) => d.decisionDefinitionId).sort()).toEqual(['dish', 'season']);
    const key = search.items.find((d) => d.decisionDefinitionId === 'season')!.decisionDefinitionKey;
    const got = await (await fetch(`${t.url}/v2/decision-definitions/${key}`)).json();
    expect(got).toMatchObject({ decisionDefinitionId: 'season', name: 'Season', decisionDefinitionKey: key });
    const xml = await fetch(`${t.url}/v2/decision-definitions/${key}/xml`);
    expect(xml.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await xml.text()).toContain('<decision id="season"');
    expect((await fetch(`${t.url}/v2/decision-definitions/2251799813685247999`)).status).toBe(404);
  });

  it('a changed DMN file gives its graph and decisions version 2; evaluation by id takes the latest', async () => {
    const changed = readFileSync(join(DMN, 'dish.dmn'), 'utf8').replace('name="Dinner Decisions"', 'name="Dinner Decisions v2"');
    const deployed = await t.rest.deployResources([{ name: 'dish.dmn', content: changed }]);
    expect(deployed.decisionRequirements.map((r) => [r.decisionRequirementsName, r.version])).toEqual([['Dinner Decisions v2', 2]]);
    expect(deployed.decisions.map((d) => d.version)).toEqual([2, 2]);
    const result = await t.rest.evaluateDecision({ decisionDefinitionId: 'dish', variables: { month: 1, guestCount: 4 } });
    expect(result.decisionDefinitionVersion).toBe(2);
    expect(result.decisionDefinitionKey).toBe(deployed.decisions.find((d) => d.decisionDefinitionId === 'dish')!.decisionDefinitionKey);
  });
});
