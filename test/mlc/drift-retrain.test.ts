/**
 * Drift that acts: a drifted daily backtest starts RetrainOnDrift by itself, exactly once per
 * model per cool-down, with the policy on the model's JSON; the challenger still waits for a
 * human's approval.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv } from '../../src/mlc/ml/index.js';
import { advance, basic, completeTask, instanceEnd, quarter, setup, taskOf, type Env } from './helpers.js';

let env: Env;

beforeAll(async () => {
  env = await setup({ lifecycle: { retrain: { cooldownHours: 24 } } });
  await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { ...env.lc.registry.model('fraud-detector').metadata, trainingPollInterval: 'PT2S' } }).expect(200);
  const submitted = await env.http.post('/mlc/models/fraud-detector/versions/1/submit').set('authorization', basic('carol')).send({}).expect(201);
  await completeTask(env, (await taskOf(env, submitted.body.processInstanceId, 'Task_Approve')).id, 'alice', { approved: true });
  expect(await instanceEnd(env, submitted.body.processInstanceId)).toBe('End_Deployed');
  mkdirSync(join(env.dataDir, 'labelled'), { recursive: true });
  writeFileSync(join(env.dataDir, 'labelled', 'drifted.csv'), formatCsv(quarter('Q4')));
  writeFileSync(join(env.dataDir, 'labelled', 'drifting.csv'), formatCsv(quarter('Q3')));
});

afterAll(() => env.close());

async function variable(instanceId: string, name: string): Promise<unknown> {
  const res = await env.http.get(`/engine-rest/history/variable-instance?processInstanceId=${instanceId}&variableName=${name}`).set('authorization', basic('alice')).expect(200);
  return res.body[0]?.value;
}

async function retrains(): Promise<{ id: string; businessKey: string; startActivityId: string }[]> {
  return (await env.http.get('/engine-rest/history/process-instance?processDefinitionKey=RetrainOnDrift').set('authorization', basic('alice')).expect(200)).body;
}

async function driftedBacktest(data = 'labelled/drifted.csv'): Promise<string> {
  const res = await env.http.post('/mlc/backtests').send({ variables: { backtestData: data } }).expect(201);
  expect(await instanceEnd(env, res.body.processInstanceId)).toBe('End_Alerted');
  return res.body.processInstanceId;
}

describe('a drifted backtest', () => {
  it("a verdict of 'alert' (processes/backtest-verdict.dmn) alerts but does not retrain", async () => {
    const instance = await driftedBacktest('labelled/drifting.csv');
    expect(await variable(instance, 'verdict')).toBe('alert');
    expect(await variable(instance, 'retrainStarted')).toBe(false);
    expect(await variable(instance, 'retrainDecision')).toBe("the backtest verdict is 'alert', not 'retrain': fraud-detector is not retrained");
    expect(await retrains()).toEqual([]);
  });

  it('starts exactly one RetrainOnDrift; a second drift within the cool-down starts none; a human still approves', async () => {
    const first = await driftedBacktest();
    expect(await variable(first, 'retrainStarted')).toBe(true);
    const started = await variable(first, 'retrainInstanceId');
    const testResultId = await variable(first, 'testResultId');
    expect(await retrains()).toEqual([expect.objectContaining({ id: started, businessKey: `drift:fraud-detector:${testResultId}`, startActivityId: 'Start_Drift' })]);

    const second = await driftedBacktest();
    expect(await variable(second, 'retrainStarted')).toBe(false);
    expect(await variable(second, 'retrainDecision')).toMatch(new RegExp(`not retraining fraud-detector: an automatic retrain started at .* \\(instance ${started}\\); the 24 h cool-down ends at `));
    expect((await retrains()).map((r) => r.id)).toEqual([started]);

    const model = (await env.http.get('/mlc/models/fraud-detector').expect(200)).body;
    expect(model.retrainPolicy).toMatchObject({ onDrift: true, cooldownHours: 24, source: 'server', lastAutomaticRetrain: { processInstanceId: started, state: 'active' } });
    expect(Date.parse(model.retrainPolicy.nextAllowedAt) - Date.parse(model.retrainPolicy.lastAutomaticRetrain.startedAt)).toBe(24 * 3_600_000);

    // the retrained challenger is not deployed by the drift: it waits at the approval task
    const approval = await taskOf(env, started as string, 'Task_Approve', advance(env, 2000));
    expect(approval.variables).toMatchObject({ challengerWins: true, retrainTrigger: 'drift', triggerTestResultId: testResultId });
    // the card: metrics in their section (labelled in-sample), the fit's settings with the hyperparameters
    const details = approval.variables.modelDetails;
    expect(Object.keys(details.trainingMetrics).every((k) => ['n', 'accuracy', 'precision', 'recall', 'f1', 'auc', 'logLoss', 'confusion'].includes(k))).toBe(true);
    expect(details.hyperParameters).toMatchObject({ threshold: 0.5, iterations: 25, iterationsRun: expect.any(Number), finalLoss: expect.any(Number) });
    expect(details.trainingMetricsData).toBe('on the training data datasets/credit-card-q3.csv (in-sample)');
    expect(approval.variables.comparison.data).toMatchObject({ dataset: 'datasets/credit-card-q4.csv', heldOut: true });
    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ version: 1 });
  }, 60_000);

  it('a model whose policy is off only alerts, and says so', async () => {
    const metadata = env.lc.registry.model('fraud-detector').metadata;
    await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { ...metadata, retrainOnDrift: { enabled: false } } }).expect(200);
    const before = (await retrains()).length;
    const instance = await driftedBacktest();
    expect(await variable(instance, 'retrainStarted')).toBe(false);
    expect(await variable(instance, 'retrainDecision')).toMatch(/automatic retraining is off for fraud-detector \(model policy\)/);
    expect(await retrains()).toHaveLength(before);
    expect((await env.http.get('/mlc/models/fraud-detector').expect(200)).body.retrainPolicy).toMatchObject({ onDrift: false, source: 'model' });
  });

  it('once the cool-down has passed (here a model policy of 0 h), the next drift starts the next retrain', async () => {
    const metadata = env.lc.registry.model('fraud-detector').metadata;
    await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { ...metadata, retrainOnDrift: { enabled: true, cooldownHours: 0 } } }).expect(200);
    const before = (await retrains()).map((r) => r.id);
    const instance = await driftedBacktest();
    expect(await variable(instance, 'retrainStarted')).toBe(true);
    const started = await variable(instance, 'retrainInstanceId');
    expect((await retrains()).map((r) => r.id).sort()).toEqual([...before, started].sort());
  });
});
