import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, modelerDeploy, startServer, type TestServer } from '../http/helpers.js';
import { fixture } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => server?.close());

describe('decision REST API (Camunda 7 shapes)', () => {
  let dishId: string;

  it('deploys .dmn through /deployment/create as Camunda Modeler does, with duplicate filtering', async () => {
    const deployed = await modelerDeploy(server.base, 'dish.dmn', fixture('dish.dmn'), { name: 'dinner' });
    expect(deployed.status).toBe(200);
    const decisions = Object.values(deployed.body.deployedDecisionDefinitions) as Array<Record<string, unknown>>;
    expect(decisions.map((d) => [d.key, d.version, d.resource, d.decisionRequirementsDefinitionKey])).toEqual([
      ['dish', 1, 'dish.dmn', 'dinnerDecisions'],
      ['season', 1, 'dish.dmn', 'dinnerDecisions'],
    ]);
    dishId = decisions[0]!.id as string;
    const again = await modelerDeploy(server.base, 'dish.dmn', fixture('dish.dmn'), { name: 'dinner' });
    expect(again.body.id).toBe(deployed.body.id);
    expect(again.body.deployedDecisionDefinitions).toBeNull();
  });

  it('lists decision definitions, by key, by id, and their XML', async () => {
    const list = await call(server.base, 'GET', '/decision-definition?latestVersion=true&sortBy=key&sortOrder=asc');
    expect(list.body.map((d: { key: string }) => d.key)).toEqual(['dish', 'season']);
    expect((await call(server.base, 'GET', '/decision-definition/count?key=dish')).body).toEqual({ count: 1 });
    const byKey = await call(server.base, 'GET', '/decision-definition/key/dish');
    expect(byKey.body).toMatchObject({ id: dishId, key: 'dish', name: 'Dish', version: 1, versionTag: 'v1' });
    expect((await call(server.base, 'GET', `/decision-definition/${dishId}`)).body.key).toBe('dish');
    const xml = await call(server.base, 'GET', '/decision-definition/key/dish/xml');
    expect(xml.body.dmnXml).toBe(fixture('dish.dmn'));
    const missing = await call(server.base, 'GET', '/decision-definition/key/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe("No decision definition with key 'nothing'");
  });

  it('evaluates by key and by id, answering typed values per rule result', async () => {
    const byKey = await call(server.base, 'POST', '/decision-definition/key/dish/evaluate', { variables: { month: { value: 3, type: 'Integer' }, guestCount: { value: 6, type: 'Integer' } } });
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual([{ desiredDish: { type: 'String', value: 'Steak', valueInfo: {} } }]);
    const byId = await call(server.base, 'POST', `/decision-definition/${dishId}/evaluate`, { variables: { month: { value: 7, type: 'Integer' } } });
    expect(byId.body).toEqual([{ desiredDish: { type: 'String', value: 'Light Salad and nice Steak', valueInfo: {} } }]);
    const failing = await call(server.base, 'POST', '/decision-definition/key/dish/evaluate', { variables: { month: { value: 3, type: 'Integer' }, guestCount: { value: 'many', type: 'String' } } });
    expect(failing.status).toBe(400);
    expect(failing.body.message).toMatch(/^Cannot evaluate decision dish: Decision 'dish' \(Dish\): input 'How many guests': value 'many' is not of type 'integer'/);
  });

  it('answers the history of evaluations with inputs, outputs and matched rules when asked', async () => {
    const plain = await call(server.base, 'GET', '/history/decision-instance?decisionDefinitionKey=dish&sortBy=evaluationTime&sortOrder=asc');
    expect(plain.body).toHaveLength(2);
    expect(plain.body[0]).toMatchObject({ decisionDefinitionId: dishId, decisionDefinitionKey: 'dish', inputs: null, outputs: null, processInstanceId: null, rootDecisionInstanceId: null });
    const full = await call(server.base, 'GET', `/history/decision-instance?decisionDefinitionKey=dish&includeInputs=true&includeOutputs=true&sortBy=evaluationTime&sortOrder=asc`);
    const first = full.body[0];
    expect(first.inputs.map((i: Record<string, unknown>) => [i.clauseId, i.clauseName, i.type, i.value])).toEqual([
      ['Input_season', 'Season', 'String', 'Spring'],
      ['Input_guests', 'How many guests', 'Integer', 6],
    ]);
    expect(first.outputs).toEqual([expect.objectContaining({ clauseId: 'Output_dish', ruleId: 'Rule_steak', ruleOrder: 3, variableName: 'desiredDish', type: 'String', value: 'Steak', decisionInstanceId: first.id })]);
    expect(first.matchedRules).toEqual([{ ruleId: 'Rule_steak', ruleOrder: 3 }]);
    const required = await call(server.base, 'GET', `/history/decision-instance?rootDecisionInstanceId=${first.id}&includeOutputs=true`);
    expect(required.body.map((r: { decisionDefinitionKey: string }) => r.decisionDefinitionKey)).toEqual(['season']);
    const one = await call(server.base, 'GET', `/history/decision-instance/${first.id}?includeInputs=true`);
    expect(one.body.inputs).toHaveLength(2);
    expect(one.body.outputs).toBeNull();
    expect((await call(server.base, 'GET', '/history/decision-instance/count?rootDecisionInstancesOnly=true')).body).toEqual({ count: 2 });
    expect((await call(server.base, 'GET', '/history/decision-instance/nope')).status).toBe(404);
  });

  it('links evaluations from a business-rule task to the process instance and activity', async () => {
    const deployed = await modelerDeploy(server.base, 'dinner.c7.bpmn', fixture('dinner.c7.bpmn'), { name: 'dinner', attachments: [{ name: 'dish.dmn', content: fixture('dish.dmn') }] });
    expect(deployed.status).toBe(200);
    const started = await call(server.base, 'POST', '/process-definition/key/DinnerC7/start', { variables: { month: { value: 12, type: 'Integer' }, guestCount: { value: 3, type: 'Integer' } } });
    await server.engine.whenIdle();
    const rows = await call(server.base, 'GET', `/history/decision-instance?processInstanceId=${started.body.id}&activityIdIn=Decide_Dish&rootDecisionInstancesOnly=true&includeOutputs=true`);
    expect(rows.body).toHaveLength(1);
    expect(rows.body[0]).toMatchObject({ processDefinitionKey: 'DinnerC7', activityId: 'Decide_Dish', decisionDefinitionKey: 'dish' });
    expect(rows.body[0].activityInstanceId).toEqual(expect.any(String));
    expect(rows.body[0].outputs[0].value).toBe('Roastbeef');
  });

  it('deleting a deployment removes its decision definitions and keeps their evaluation history', async () => {
    const deployed = await modelerDeploy(server.base, 'risk-score.dmn', fixture('risk-score.dmn'), { name: 'risk' });
    const id = Object.keys(deployed.body.deployedDecisionDefinitions).find((k) => k.startsWith('riskScore:'))!;
    const evaluated = await call(server.base, 'POST', `/decision-definition/${id}/evaluate`, { variables: { amount: { value: 10, type: 'Integer' }, country: { value: 'DE', type: 'String' } } });
    expect(evaluated.body).toEqual([{ riskScore: { type: 'Integer', value: 10, valueInfo: {} } }]);
    expect((await call(server.base, 'DELETE', `/deployment/${deployed.body.id}`)).status).toBe(204);
    expect((await call(server.base, 'GET', '/decision-definition/key/riskScore')).status).toBe(404);
    expect((await call(server.base, 'GET', '/history/decision-instance/count?decisionDefinitionKey=riskScore')).body).toEqual({ count: 1 });
  });

  it('reports a broken DMN file like a broken BPMN one', async () => {
    const bad = await modelerDeploy(server.base, 'invalid.dmn', fixture('invalid.dmn'));
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('ParseException');
    expect(bad.body.message).toMatch(/Cycle in required decisions/);
  });
});
