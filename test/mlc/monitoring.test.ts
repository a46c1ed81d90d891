/**
 * DailyBacktesting (cron timer start, injected clock) and RetrainOnDrift (signal start), end to
 * end through REST: /mlc for the registry, the Camunda REST API for tasks and signals.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv } from '../../src/mlc/ml/index.js';
import { advance, basic, completeTask, instanceEnd, quarter, setup, taskOf, until, type Env } from './helpers.js';

const DAY = 86_400_000;
let env: Env;
let webhook: Server;
const received: { attempt: number; body: any }[] = [];
let attempts = 0;

beforeAll(async () => {
  // a loopback webhook that fails the first delivery, to exercise the retries
  webhook = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      attempts++;
      if (attempts === 1) return void res.writeHead(503).end();
      received.push({ attempt: attempts, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
  const port = (webhook.address() as AddressInfo).port;
  // the engine clock starts at 2024-04-02T05:00Z, one hour before the daily 06:00 backtest
  // (automatic retraining on drift is off here: the RetrainOnDrift cases below start it themselves; drift-retrain.test.ts covers it)
  env = await setup({ lifecycle: { webhookUrl: `http://127.0.0.1:${port}/alerts`, webhook: { retries: 2, backoffMs: 10 }, retrain: { onDrift: false } } });

  // the champion: the seeded demo model (trained on Q1), submitted and approved into PROD
  const submitted = await env.http.post('/mlc/models/fraud-detector/versions/1/submit').set('authorization', basic('carol')).send({}).expect(201);
  const approval = await taskOf(env, submitted.body.processInstanceId, 'Task_Approve');
  await completeTask(env, approval.id, 'alice', { approved: true });
  expect(await instanceEnd(env, submitted.body.processInstanceId)).toBe('End_Deployed');
});

afterAll(async () => {
  await env.close();
  await new Promise((r) => webhook.close(r));
});

function labelledData(day: string, q: 'Q2' | 'Q4') {
  mkdirSync(join(env.dataDir, 'labelled'), { recursive: true });
  writeFileSync(join(env.dataDir, 'labelled', `${day}.csv`), formatCsv(quarter(q)));
}

async function backtestInstances(): Promise<{ id: string; startActivityId: string; state: string }[]> {
  const res = await env.http.get('/engine-rest/history/process-instance?processDefinitionKey=DailyBacktesting').set('authorization', basic('alice')).expect(200);
  return res.body;
}

describe('DailyBacktesting', () => {
  it('every morning at 06:00 tests the deployed version on yesterday\'s data: Q2 raises no alert, Q4 one naming the drifted features', async () => {
    labelledData('2024-04-01', 'Q2');
    labelledData('2024-04-02', 'Q4');
    expect(await backtestInstances()).toEqual([]);

    // 06:00 on 2 April: yesterday (1 April) looked like Q2
    advance(env, 60 * 60_000)();
    const first = await until(env.engine, async () => (await backtestInstances()).find((i) => i.state !== 'ACTIVE'), 'the first backtest');
    expect(first.startActivityId).toBe('Start_EveryMorning');
    expect(await instanceEnd(env, first.id)).toBe('End_Healthy');
    expect((await env.http.get('/mlc/alerts').expect(200)).body).toEqual([]);

    // 06:00 on 3 April: yesterday (2 April) looked like Q4
    advance(env, DAY)();
    const second = await until(env.engine, async () => (await backtestInstances()).find((i) => i.id !== first.id && i.state !== 'ACTIVE'), 'the second backtest');
    expect(await instanceEnd(env, second.id)).toBe('End_Alerted');
    // the verdict came from the backtestVerdict decision table (processes/backtest-verdict.dmn)
    const verdicts = (await env.http.get(`/engine-rest/history/decision-instance?processDefinitionKey=DailyBacktesting&includeOutputs=true&sortBy=evaluationTime&sortOrder=asc`).set('authorization', basic('alice')).expect(200)).body;
    expect(verdicts.map((v: { processInstanceId: string; outputs: Array<{ value: string }> }) => [v.processInstanceId, v.outputs[0]!.value])).toEqual([[first.id, 'ok'], [second.id, expect.stringMatching(/^(alert|retrain)$/)]]);

    const alerts = (await env.http.get('/mlc/alerts?modelId=fraud-detector').expect(200)).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      modelId: 'fraud-detector', version: 1, kind: 'drift', severity: 'warning', instanceId: second.id,
      details: expect.objectContaining({ supportGroup: 'ml-support', driftedFeatures: ['card_age', 'card_fico_score'] }),
    });
    expect(alerts[0].message).toMatch(/drifted features: card_age, card_fico_score/);
    expect(alerts[0].message).toMatch(/labelled\/2024-04-02\.csv/);

    const backtests = (await env.http.get('/mlc/test-results?modelId=fraud-detector&version=1').expect(200)).body.filter((t: { purpose: string }) => t.purpose === 'backtest');
    expect(backtests.map((t: { dataset: string; passed: boolean }) => [t.dataset, t.passed])).toEqual([['labelled/2024-04-01.csv', true], ['labelled/2024-04-02.csv', false]]);
    expect(backtests[1].drift.drifted).toEqual(['card_age', 'card_fico_score']);
    // backtests record results; they do not move the deployed version's status
    expect((await env.http.get('/mlc/models/fraud-detector/versions/1').expect(200)).body.status).toBe('deployed');

    // the webhook got the alert on its second attempt
    await until(env.engine, async () => (await env.http.get('/mlc/alerts').expect(200)).body[0].webhookStatus === 'delivered', 'webhook delivery');
    expect(received).toEqual([{ attempt: 2, body: expect.objectContaining({ id: alerts[0].id, kind: 'drift', modelId: 'fraud-detector' }) }]);
  });

  it('missing data for yesterday is an alert that the backtest could not run, nothing else changes', async () => {
    const res = await env.http.post('/mlc/backtests').send({ variables: { backtestData: 'labelled/1999-01-01.csv' } }).expect(201);
    expect(await instanceEnd(env, res.body.processInstanceId)).toBe('End_BacktestFailed');
    const alert = (await env.http.get('/mlc/alerts?limit=1').expect(200)).body[0];
    expect(alert).toMatchObject({ kind: 'backtest-failed', instanceId: res.body.processInstanceId });
    expect(alert.message).toMatch(/could not run: the dataset does not exist/);
    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ modelId: 'fraud-detector', version: 1 });
  });
});

/**
 * The comparison card: champion and challenger on the same rows, none of them in either model's
 * training data (checked here from the CSVs themselves), the interval clearing zero, metrics apart
 * from hyperparameters, ROC points and PSI for both.
 */
async function expectSoundComparison(card: any) {
  expect(card.data).toMatchObject({ dataset: 'datasets/credit-card-q4.csv', rows: 4000, heldOut: true });
  expect(card.champion).toMatchObject({ version: 1, trainingData: 'datasets/credit-card-q1.csv' });
  expect(card.challenger).toMatchObject({ version: 2, trainingData: 'datasets/credit-card-q3.csv' });
  const compared = await readFile(join(env.dataDir, 'datasets/credit-card-q4.csv'), 'utf8');
  const rowsOf = (text: string) => text.trim().split('\n').slice(1);
  expect(card.data.sha256).toBe(rowsSha256(rowsOf(compared)));
  for (const training of ['datasets/credit-card-q1.csv', 'datasets/credit-card-q3.csv']) {
    const seen = new Set(rowsOf(await readFile(join(env.dataDir, training), 'utf8')));
    expect(rowsOf(compared).filter((r) => seen.has(r)), training).toEqual([]);
  }
  // both recorded test results carry the same rows' fingerprint
  const results = (await env.http.get('/mlc/test-results?modelId=fraud-detector').expect(200)).body.filter((t: { purpose: string }) => t.purpose.startsWith('compare-'));
  expect(results.map((t: any) => [t.purpose, t.version, t.dataset, t.verdict.rows.sha256]).sort()).toEqual([
    ['compare-challenger', 2, 'datasets/credit-card-q4.csv', card.data.sha256],
    ['compare-champion', 1, 'datasets/credit-card-q4.csv', card.data.sha256],
  ]);
  expect(card.interval).toMatchObject({ metric: 'auc', level: 0.95, resamples: 1000 });
  expect(card.interval.low).toBeGreaterThan(0);
  expect(card.interval.low).toBeLessThanOrEqual(card.interval.delta);
  expect(card.interval.high).toBeGreaterThanOrEqual(card.interval.delta);
  expect(card.deltas.auc).toBeCloseTo(card.challenger.metrics.auc - card.champion.metrics.auc, 5);
  for (const side of [card.champion, card.challenger]) {
    expect(Object.keys(side.metrics).sort()).toEqual(['accuracy', 'auc', 'confusion', 'f1', 'logLoss', 'n', 'precision', 'recall']);
    expect(side.metrics.confusion.tp + side.metrics.confusion.fp + side.metrics.confusion.tn + side.metrics.confusion.fn).toBe(4000);
    expect(side.roc.length).toBe(21);
    expect(side.roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(side.roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(side.psi.map((p: { feature: string }) => p.feature)).toContain('card_age');
  }
  // the champion's baseline is Q1: Q4 drifted away from it; the challenger's (Q3) is closer
  expect(card.champion.maxPsi).toBeGreaterThan(card.challenger.maxPsi);
}

/** The same digest held-out.ts computes: sha256 over each row's hash, rows parsed as numbers. */
function rowsSha256(lines: string[]): string {
  const all = createHash('sha256');
  for (const line of lines) all.update(createHash('sha256').update(JSON.stringify(line.split(',').map(Number))).digest('hex').slice(0, 32));
  return all.digest('hex');
}

describe('RetrainOnDrift', () => {
  async function signalDrift(variables: Record<string, string> = {}) {
    const typed = Object.fromEntries(Object.entries({ MODEL_ID: 'fraud-detector', trainingPollInterval: 'PT2S', ...variables }).map(([k, v]) => [k, { value: v, type: 'String' }]));
    await env.http.post('/engine-rest/signal').set('authorization', basic('alice')).send({ name: 'MODEL_DATA_DRIFT', variables: typed }).expect(204);
    const res = await env.http.get('/engine-rest/history/process-instance?processDefinitionKey=RetrainOnDrift&sortBy=startTime&sortOrder=desc').set('authorization', basic('alice')).expect(200);
    return res.body[0].id as string;
  }

  it('a challenger trained on recent data beats the champion, is approved and deployed; the champion retires', async () => {
    const instanceId = await signalDrift();
    const approval = await taskOf(env, instanceId, 'Task_Approve', advance(env, 2000));
    expect(approval.variables).toMatchObject({ challengerWins: true, championVersion: 1, challengerVersion: 2, modelVersion: 2 });
    expect(approval.variables.comparisonSummary, approval.variables.comparisonSummary)
      .toMatch(/challenger v2 auc 0\.\d+ vs champion v1 auc 0\.\d+ on datasets\/credit-card-q4\.csv \(4000 held-out rows\): Δ \+0\.\d+, 95% CI \[\+0\.\d+, \+0\.\d+\] clears the margin 0: challenger wins/);
    expect(approval.variables.deltas.auc).toBeGreaterThan(0);
    await expectSoundComparison(approval.variables.comparison);
    await completeTask(env, approval.id, 'alice', { approved: true, comment: 'recovers Q4 accuracy' });
    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');

    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ modelId: 'fraud-detector', version: 2 });
    const versions = (await env.http.get('/mlc/models/fraud-detector/versions').expect(200)).body;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'retired'], [2, 'deployed']]);
    const audit = (await env.http.get('/mlc/models/fraud-detector/versions/2/audit').expect(200)).body;
    expect(audit.version.createdByInstance).toBe(instanceId);
    expect(audit.approval).toMatchObject({ approvedBy: 'alice', instanceId });
    expect(audit.testResults.map((t: { purpose: string }) => t.purpose)).toEqual(['compare-challenger']);
  });

  it('a worse challenger is recorded as rejected and kept out; the champion keeps serving', async () => {
    const instanceId = await signalDrift({ recentData: 'datasets/credit-card-q1.csv' });
    expect(await until(env.engine, async () => {
      const res = await env.http.get(`/engine-rest/history/process-instance/${instanceId}`).set('authorization', basic('alice')).expect(200);
      return res.body.state !== 'ACTIVE';
    }, 'retraining to finish', 20_000, advance(env, 2000))).toBe(true);
    expect(await instanceEnd(env, instanceId)).toBe('End_ChampionStays');
    const v3 = (await env.http.get('/mlc/models/fraud-detector/versions/3').expect(200)).body;
    expect(v3).toMatchObject({ status: 'rejected', trainingData: 'datasets/credit-card-q1.csv' });
    const audit = (await env.http.get('/mlc/models/fraud-detector/versions/3/audit').expect(200)).body;
    expect(audit.statusHistory.at(-1)).toMatchObject({ to: 'rejected', data: expect.objectContaining({ reason: expect.stringMatching(/champion stays/) }) });
    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ version: 2 });
    expect((await env.http.get('/mlc/tasks').expect(200)).body).toEqual([]);
  });

  it('a comparison on the rows the challenger was trained on is refused, not scored', async () => {
    const instanceId = await signalDrift({ recentData: 'datasets/credit-card-q3.csv', compareData: 'datasets/credit-card-q3.csv' });
    // not a silent end: an alert and a review task with the reason
    const review = await taskOf(env, instanceId, 'Task_ReviewCompare', advance(env, 2000));
    expect(review.variables.failureReason).toMatch(/v4 was trained on datasets\/credit-card-q3\.csv: compare on a later period or a declared hold-out set/);
    const alert = (await env.http.get('/mlc/alerts?limit=1').expect(200)).body[0];
    expect(alert).toMatchObject({ kind: 'compare-failed', severity: 'error', instanceId });
    await completeTask(env, review.id, 'alice', {});
    expect(await instanceEnd(env, instanceId)).toBe('End_CompareFailed');
  });
});
