/**
 * The bundled decisions: processes/approval-routing.dmn (On Model Changed) and
 * processes/backtest-verdict.dmn (Daily Backtesting), as tables and end to end in the lifecycle.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileDmn, evaluateDecision, type DecisionGraph } from '../../src/dmn/index.js';
import { basic, completeTask, quarter, setup, taskOf, trainOnnx, type Env } from '../mlc/helpers.js';

async function sample(name: string): Promise<DecisionGraph> {
  const result = await compileDmn(readFileSync(new URL(`../../processes/${name}`, import.meta.url), 'utf8'));
  expect(result.errors).toEqual([]);
  return result.graph!;
}

describe('approval routing table', () => {
  it('routes by risk tier first, then model type, then the group the metadata names', async () => {
    const graph = await sample('approval-routing.dmn');
    const route = (variables: Record<string, unknown>) => {
      const evaluation = evaluateDecision(graph, 'approvalRouting', variables);
      return [evaluation.result[0]!.approvalGroup, evaluation.records[0]!.matchedRules[0]!.ruleId];
    };
    expect(route({ modelType: 'fraud', riskTier: 'high', approvalGroup: 'fraud-risk-officers' })).toEqual(['model-risk-committee', 'Rule_HighRisk']);
    expect(route({ modelType: 'credit-risk', riskTier: 'medium', approvalGroup: 'credit-risk-approvers' })).toEqual(['credit-risk-officers', 'Rule_CreditMedium']);
    expect(route({ modelType: 'fraud', approvalGroup: 'fraud-risk-officers' })).toEqual(['fraud-risk-officers', 'Rule_NamedGroup']);
    expect(route({ modelType: 'churn' })).toEqual(['churn-approvers', 'Rule_ByType']);
  });
});

describe('backtest verdict table', () => {
  it('says ok, alert or retrain from accuracy, AUC, max PSI and the model\'s own thresholds', async () => {
    const graph = await sample('backtest-verdict.dmn');
    const verdict = (variables: Record<string, unknown>) => evaluateDecision(graph, 'backtestVerdict', variables).result[0]!.verdict;
    expect(verdict({ accuracy: 0.86, auc: 0.91, maxPsi: 0.05, testPassed: true })).toBe('ok');
    expect(verdict({ accuracy: 0.66, auc: 0.91, maxPsi: 0.05, testPassed: false })).toBe('alert');
    expect(verdict({ accuracy: 0.86, auc: 0.91, maxPsi: 0.31, testPassed: false })).toBe('alert');
    expect(verdict({ accuracy: 0.86, auc: 0.91, maxPsi: 0.05, testPassed: false })).toBe('alert');
    expect(verdict({ accuracy: 0.55, auc: 0.91, maxPsi: 0.05, testPassed: false })).toBe('retrain');
    expect(verdict({ accuracy: 0.86, auc: 0.6, maxPsi: 0.05, testPassed: false })).toBe('retrain');
    expect(verdict({ accuracy: 0.86, auc: 0.91, maxPsi: 0.8, testPassed: false })).toBe('retrain');
    // a single-class day has no AUC and a model without a baseline no PSI: those inputs are null, not errors
    expect(verdict({ accuracy: 0.86, auc: null, testPassed: true })).toBe('ok');
  });
});

describe('the lifecycle uses both decisions', () => {
  let env: Env;
  beforeAll(async () => {
    env = await setup();
  });
  afterAll(async () => env?.close());

  it('On Model Changed sends a high-risk model to the risk committee and audits why', async () => {
    await env.http.post('/mlc/models').send({
      id: 'fraud-high', name: 'High-risk fraud model', type: 'fraud', ownerGroup: 'data-science',
      metadata: { approvalGroup: 'fraud-risk-officers', riskTier: 'high', runtimeTags: ['fraud'], deployStage: 'PROD', testData: 'datasets/credit-card-q2.csv' },
    }).expect(201);
    await env.http.post('/mlc/models/fraud-high/versions').set('authorization', basic('carol')).attach('model', Buffer.from(trainOnnx(quarter('Q1')).bytes), 'model.onnx').expect(201);
    const submitted = await env.http.post('/mlc/models/fraud-high/versions/1/submit').set('authorization', basic('carol')).send({}).expect(201);
    const instanceId = submitted.body.processInstanceId as string;
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    expect(approval.candidateGroups).toEqual(['model-risk-committee']);

    const audit = await env.http.get(`/engine-rest/history/decision-instance?processInstanceId=${instanceId}&includeInputs=true&includeOutputs=true`).expect(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ decisionDefinitionKey: 'approvalRouting', activityId: 'Task_RouteApproval', processDefinitionKey: 'OnModelChanged' });
    expect(audit.body[0].inputs.map((i: { clauseName: string; value: unknown }) => [i.clauseName, i.value])).toEqual([
      ['Model type', 'fraud'], ['Risk tier', 'high'], ['Group named in the model metadata', 'fraud-risk-officers'],
    ]);
    expect(audit.body[0].outputs[0]).toMatchObject({ ruleId: 'Rule_HighRisk', variableName: 'approvalGroup', value: 'model-risk-committee' });
    await completeTask(env, approval.id, 'bob', { approved: false, comment: 'not now' });
    expect((await taskOf(env, instanceId, 'Task_ReviewRejection')).candidateGroups).toEqual(['data-science']);
  });
});
