import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { fixture } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

async function open(): Promise<Engine> {
  engine = await Engine.open({ retryBackoff: { initial: 0, max: 0 } });
  return engine;
}

function decisionRows(instanceId: string) {
  return engine.decisions.store.queryInstances({ instanceId });
}

/** The values the instance set, from the history (the instance has ended, so its variables are gone). */
function valuesSet(instanceId: string): Record<string, unknown> {
  const rows = engine.db.prepare(`SELECT data FROM history WHERE instance_id = ? AND kind = 'variableSet' ORDER BY seq`).all(instanceId) as Array<{ data: string }>;
  const values: Record<string, unknown> = {};
  for (const row of rows) {
    const { name, type, value } = JSON.parse(row.data) as { name: string; type: string; value: string };
    values[name] = type === 'string' ? value : JSON.parse(value);
  }
  return values;
}

function incidents(instanceId: string) {
  return engine.db.prepare('SELECT type, element_id, message, id FROM incidents WHERE instance_id = ?').all(instanceId) as Array<{ type: string; element_id: string; message: string; id: string }>;
}

describe('business-rule tasks', () => {
  it('Camunda 7: decisionRef + resultVariable + mapDecisionResult, deployed with the process; every evaluation audited', async () => {
    await open();
    const deployed = await engine.deploy({ name: 'dinner', resources: [{ name: 'dinner.c7.bpmn', content: fixture('dinner.c7.bpmn') }, { name: 'dish.dmn', content: fixture('dish.dmn') }] });
    expect(deployed.decisionDefinitions!.map((d) => [d.key, d.version, d.versionTag, d.drdKey])).toEqual([['dish', 1, 'v1', 'dinnerDecisions'], ['season', 1, null, 'dinnerDecisions']]);
    const instance = await engine.start('DinnerC7', { variables: { month: 1, guestCount: 4 } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    const values = valuesSet(instance.id);
    expect(values.dish).toBe('Roastbeef');
    expect(values.seasons).toEqual([{ season: 'Winter' }]);

    const rows = decisionRows(instance.id);
    expect(rows.map((r) => [r.decisionKey, r.elementId, r.rootDecisionInstanceId === null])).toEqual([
      ['season', 'Decide_Dish', false],
      ['dish', 'Decide_Dish', true],
      ['season', 'Decide_Season', true],
    ]);
    const dish = rows[1]!;
    expect(dish).toMatchObject({ decisionVersion: 1, definitionKey: 'DinnerC7', drdKey: 'dinnerDecisions' });
    expect(rows[0]!.rootDecisionInstanceId).toBe(dish.id);
    expect(dish.inputs).toEqual([
      { clauseId: 'Input_season', clauseName: 'Season', value: 'Winter' },
      { clauseId: 'Input_guests', clauseName: 'How many guests', value: 4 },
    ]);
    expect(dish.outputs).toEqual([{ clauseId: 'Output_dish', clauseName: 'Dish', variableName: 'desiredDish', ruleId: 'Rule_roastbeef', ruleOrder: 2, value: 'Roastbeef' }]);
    expect(dish.matchedRules).toEqual([{ ruleId: 'Rule_roastbeef', ruleOrder: 2 }]);
    const audit = engine.db.prepare(`SELECT element_id, data FROM history WHERE instance_id = ? AND kind = 'decisionEvaluated' ORDER BY seq`).all(instance.id) as Array<{ element_id: string; data: string }>;
    expect(audit.map((a) => a.element_id)).toEqual(['Decide_Dish', 'Decide_Season']);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ decisionInstanceId: dish.id, decisionKey: 'dish', decisionVersion: 1, matchedRules: ['Rule_roastbeef'] });
  });

  it('Camunda 8: zeebe:calledDecision stores the decision output (a value for a single output)', async () => {
    await open();
    await engine.deploy({ name: 'dinner', resources: [{ name: 'dish.dmn', content: fixture('dish.dmn') }] });
    await engine.deploy({ name: 'dinner-process', resources: [{ name: 'dinner.c8.bpmn', content: fixture('dinner.c8.bpmn') }] });
    const instance = await engine.start('DinnerC8', { variables: { month: 7, guestCount: 20 } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    const rows = decisionRows(instance.id);
    expect(rows.at(-1)).toMatchObject({ decisionKey: 'season', elementId: 'Decide_Season', outputs: [expect.objectContaining({ value: 'Summer' })] });
    expect(valuesSet(instance.id)).toMatchObject({ dish: 'Light Salad and nice Steak', seasons: 'Summer' });
  });

  it('a failing evaluation is an incident on the task with the decision message; resolving it after a fix continues', async () => {
    await open();
    await engine.deploy({ name: 'dinner', resources: [{ name: 'dinner.c7.bpmn', content: fixture('dinner.c7.bpmn') }, { name: 'dish.dmn', content: fixture('dish.dmn') }] });
    const instance = await engine.start('DinnerC7', { variables: { month: 1, guestCount: 'many' } });
    await engine.whenIdle();
    const [incident] = incidents(instance.id);
    expect(incident).toMatchObject({ type: 'decisionEvaluation', element_id: 'Decide_Dish' });
    expect(incident!.message).toMatch(/Decision 'dish' \(Dish\): input 'How many guests': value 'many' is not of type 'integer'/);
    expect(decisionRows(instance.id)).toEqual([]);
    await engine.setVariables(instance.id, { guestCount: 12 });
    await engine.resolveIncident(incident!.id);
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(decisionRows(instance.id).find((r) => r.decisionKey === 'dish')!.outputs[0]!.value).toBe('Stew');
  });

  it('a decision that is not deployed is an incident naming the key', async () => {
    await open();
    await engine.deploy({ name: 'p', resources: [{ name: 'dinner.c8.bpmn', content: fixture('dinner.c8.bpmn') }] });
    const instance = await engine.start('DinnerC8', { variables: { month: 1 } });
    await engine.whenIdle();
    expect(incidents(instance.id)).toMatchObject([{ type: 'decisionEvaluation', element_id: 'Decide_Dish', message: "No decision definition with key 'dish'" }]);
  });

  it('Camunda 7: decisionRef may be an expression, evaluated when the task is reached', async () => {
    await open();
    const xml = fixture('dinner.c7.bpmn').replace('camunda:decisionRef="dish"', 'camunda:decisionRef="${which}"');
    await engine.deploy({ name: 'dinner', resources: [{ name: 'dinner.bpmn', content: xml }, { name: 'dish.dmn', content: fixture('dish.dmn') }] });
    const instance = await engine.start('DinnerC7', { variables: { which: 'season', month: 4 } });
    await engine.whenIdle();
    expect(valuesSet(instance.id).dish).toBe('Spring');
    const wrong = await engine.start('DinnerC7', { variables: { which: 42, month: 4 } });
    await engine.whenIdle();
    expect(incidents(wrong.id)[0]!.message).toBe("The decision reference of 'Decide_Dish' evaluated to 42, expected a decision id");
  });

  it('singleEntry on a multi-result decision is an incident saying why', async () => {
    await open();
    const xml = fixture('dinner.c7.bpmn').replace('camunda:decisionRef="dish" camunda:mapDecisionResult="singleEntry"', 'camunda:decisionRef="collect" camunda:mapDecisionResult="singleEntry"');
    await engine.deploy({ name: 'p', resources: [{ name: 'p.bpmn', content: xml }, { name: 'hit-policies.dmn', content: fixture('hit-policies.dmn') }] });
    const instance = await engine.start('DinnerC7', { variables: { amount: 100 } });
    await engine.whenIdle();
    expect(incidents(instance.id)[0]!.message).toMatch(/Decision 'collect' at 'Decide_Dish': mapDecisionResult singleEntry needs at most one rule result, but the decision gave 3/);
  });
});

describe('decision versions and bindings', () => {
  const withBinding = (attributes: string) =>
    fixture('dinner.c7.bpmn').replace('camunda:decisionRef="dish" camunda:mapDecisionResult="singleEntry"', `camunda:decisionRef="dish" camunda:mapDecisionResult="singleEntry" ${attributes}`);

  it('versions decisions like processes: duplicates filtered, a change is N+1; version and versionTag bindings pick theirs', async () => {
    await open();
    const first = await engine.deploy({ name: 'decisions', resources: [{ name: 'dish.dmn', content: fixture('dish.dmn') }] });
    const again = await engine.deploy({ name: 'decisions', resources: [{ name: 'dish.dmn', content: fixture('dish.dmn') }] });
    expect(again.deployment.id).toBe(first.deployment.id);
    expect(again.decisionDefinitions).toBeNull();
    const changed = fixture('dish.dmn').replace('"Roastbeef"', '"Goulash"').replace('camunda:versionTag="v1"', 'camunda:versionTag="v2"');
    const second = await engine.deploy({ name: 'decisions', resources: [{ name: 'dish.dmn', content: changed }] });
    expect(second.decisionDefinitions!.map((d) => `${d.key}:${d.version}`)).toEqual(['dish:2', 'season:2']);

    await engine.deploy({
      name: 'processes',
      resources: [
        { name: 'latest.bpmn', content: withBinding('').replace(/DinnerC7/g, 'Latest') },
        { name: 'v1.bpmn', content: withBinding('camunda:decisionRefBinding="version" camunda:decisionRefVersion="1"').replace(/DinnerC7/g, 'Version1') },
        { name: 'tag.bpmn', content: withBinding('camunda:decisionRefBinding="versionTag" camunda:decisionRefVersionTag="v1"').replace(/DinnerC7/g, 'Tag1') },
      ],
    });
    const dishOf = async (key: string) => {
      const instance = await engine.start(key, { variables: { month: 1, guestCount: 2 } });
      await engine.whenIdle();
      return decisionRows(instance.id).find((r) => r.decisionKey === 'dish' && r.elementId === 'Decide_Dish')!;
    };
    expect(await dishOf('Latest')).toMatchObject({ decisionVersion: 2, outputs: [expect.objectContaining({ value: 'Goulash' })] });
    expect(await dishOf('Version1')).toMatchObject({ decisionVersion: 1, outputs: [expect.objectContaining({ value: 'Roastbeef' })] });
    expect(await dishOf('Tag1')).toMatchObject({ decisionVersion: 1 });
  });

  it('binding deployment uses the decision deployed with the process, not a newer one', async () => {
    await open();
    await engine.deploy({ name: 'dinner', resources: [{ name: 'dinner.c7.bpmn', content: fixture('dinner.c7.bpmn') }, { name: 'dish.dmn', content: fixture('dish.dmn') }] });
    const newer = fixture('dish.dmn').replace('<text>"Winter"</text>', '<text>"Deep winter"</text>').replace(/(<rule id="Rule_winter">[\s\S]*?<outputEntry[^>]*>\s*<text>)"Winter"/, '$1"Deep winter"');
    await engine.deploy({ name: 'other', resources: [{ name: 'dish.dmn', content: newer }] });
    const instance = await engine.start('DinnerC7', { variables: { month: 1, guestCount: 2 } });
    await engine.whenIdle();
    const season = decisionRows(instance.id).find((r) => r.elementId === 'Decide_Season')!;
    expect(season).toMatchObject({ decisionVersion: 1, outputs: [expect.objectContaining({ value: 'Winter' })] });
  });

  it('a broken DMN file fails the whole deployment with positioned problems', async () => {
    await open();
    await expect(engine.deploy({ name: 'bad', resources: [{ name: 'invalid.dmn', content: fixture('invalid.dmn') }] })).rejects.toThrow(/Unknown hit policy 'SOMETIMES'.*resource invalid\.dmn \| line 4 \| column 5/);
    expect(engine.decisions.store.countDefinitions({})).toBe(0);
  });
});
