/**
 * OnModelChanged end to end, through REST only: upload/submit via /mlc, approve via the Camunda
 * REST API as a basic-auth user, score via /mlc/runtimes/{name}/score, audit via /mlc.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_CARD_FEATURES, predictProba } from '../../src/mlc/ml/index.js';
import { advance, basic, completeTask, instanceEnd, quarter, setup, taskOf, trainOnnx, withColumn, withoutColumn, writeDataset, type Env } from './helpers.js';

let env: Env;
const q1 = quarter('Q1');
const model = trainOnnx(q1);

beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

async function createModel(id: string, metadata: Record<string, unknown> = {}) {
  await env.http.post('/mlc/models').send({
    id, name: `Model ${id}`, type: 'fraud', ownerGroup: 'data-science',
    metadata: { approvalGroup: 'fraud-risk-officers', runtimeTags: ['fraud'], deployStage: 'PROD', testData: 'datasets/credit-card-q2.csv', ...metadata },
  }).expect(201);
}

function upload(id: string, bytes: Uint8Array, fields: Record<string, string> = {}) {
  let req = env.http.post(`/mlc/models/${id}/versions`).set('authorization', basic('carol')).attach('model', Buffer.from(bytes), 'model.onnx');
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

async function submit(id: string, n: number, variables?: Record<string, unknown>) {
  const res = await env.http.post(`/mlc/models/${id}/versions/${n}/submit`).set('authorization', basic('carol')).send(variables ? { variables } : {}).expect(201);
  expect(res.body.businessKey).toBe(`${id}:v${n}`);
  return res.body.processInstanceId as string;
}

describe('OnModelChanged over REST', () => {
  it('submit → test → approve → deploy, and the runtime scores rows with the new model', async () => {
    await createModel('fraud-a');
    const uploaded = await upload('fraud-a', model.bytes, { trainingData: 'datasets/credit-card-q1.csv', hyperParameters: '{"l2":0.001}' }).expect(201);
    expect(uploaded.body).toMatchObject({ version: 1, status: 'registered', features: [...CREDIT_CARD_FEATURES], artifact: 'models/fraud-a/1.onnx' });

    const instanceId = await submit('fraud-a', 1);
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    expect(approval.candidateGroups).toEqual(['fraud-risk-officers']);
    expect(approval.variables).toMatchObject({
      modelId: 'fraud-a', modelVersion: 1, testPassed: true,
      modelDetails: { id: 'fraud-a', type: 'fraud', sha256: uploaded.body.sha256, features: [...CREDIT_CARD_FEATURES] },
      changeSummary: 'first deployment of fraud-a (v1)',
      testSummary: expect.stringMatching(/^fraud-a v1 on datasets\/credit-card-q2\.csv: accuracy 0\.8\d+.*all thresholds met$/),
    });
    expect((await env.http.get('/mlc/models/fraud-a/versions/1').expect(200)).body.status).toBe('tested');

    await completeTask(env, approval.id, 'bob', { approved: true, comment: 'figures look right' });
    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');

    const version = (await env.http.get('/mlc/models/fraud-a/versions/1').expect(200)).body;
    expect(version.status).toBe('deployed');
    const runtime = (await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body;
    expect(runtime.deployment).toMatchObject({ modelId: 'fraud-a', version: 1, stage: 'PROD', instanceId });

    const rows = q1.rows.slice(0, 20).map((r) => Object.fromEntries(CREDIT_CARD_FEATURES.map((f, j) => [f, r[j]!])));
    const scored = (await env.http.post('/mlc/runtimes/prod-scoring/score').send({ rows }).expect(200)).body;
    const expected = predictProba(model.model, q1.rows.slice(0, 20).map((r) => r.slice(0, 6)));
    expect(scored).toMatchObject({ runtime: 'prod-scoring', modelId: 'fraud-a', version: 1 });
    scored.predictions.forEach((p: { probability: number; label: number }, i: number) => {
      expect(p.probability).toBeCloseTo(expected[i]!, 5);
      expect(p.label).toBe(expected[i]! >= 0.5 ? 1 : 0);
    });

    // the audit question, in one call
    const audit = (await env.http.get('/mlc/models/fraud-a/versions/1/audit').expect(200)).body;
    expect(audit.approval).toMatchObject({ approvedBy: 'bob', instanceId });
    expect(audit.approval.testResultIds).toHaveLength(1);
    expect(audit.testResults[0]).toMatchObject({ id: audit.approval.testResultIds[0], dataset: 'datasets/credit-card-q2.csv', passed: true });
    expect(audit.decisions).toEqual([expect.objectContaining({ actor: 'bob', taskName: 'Approve model version', variables: { approved: true, comment: 'figures look right' } })]);
    expect(audit.statusHistory.filter((s: { kind: string }) => s.kind === 'status').map((s: { to: string }) => s.to)).toEqual(['tested', 'approved', 'deployed']);
    expect(audit.statusHistory[0]).toMatchObject({ kind: 'registered', actor: 'carol' });
    expect(audit.deployments).toEqual([expect.objectContaining({ runtime: 'prod-scoring', status: 'active' })]);
    expect(audit.instances).toEqual([expect.objectContaining({ id: instanceId, definitionKey: 'OnModelChanged', state: 'completed' })]);

    // a submitted version cannot be submitted again once deployed
    const again = await env.http.post('/mlc/models/fraud-a/versions/1/submit').send({}).expect(409);
    expect(again.body).toEqual({ type: 'Conflict', message: expect.stringMatching(/deployed; only a registered or tested version/) });
  });

  it('rejection: the version is rejected and the owners get a review task with the reason', async () => {
    await createModel('fraud-r');
    await upload('fraud-r', model.bytes).expect(201);
    const instanceId = await submit('fraud-r', 1);
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    await completeTask(env, approval.id, 'bob', { approved: false, comment: 'no fairness report attached' });
    const review = await taskOf(env, instanceId, 'Task_ReviewRejection');
    expect(review.candidateGroups).toEqual(['data-science']);
    expect(review.variables).toMatchObject({ comment: 'no fairness report attached', modelStatus: 'rejected' });
    const version = (await env.http.get('/mlc/models/fraud-r/versions/1').expect(200)).body;
    expect(version.status).toBe('rejected');
    const audit = (await env.http.get('/mlc/models/fraud-r/versions/1/audit').expect(200)).body;
    expect(audit.approval).toBeNull();
    expect(audit.statusHistory.at(-1)).toMatchObject({ to: 'rejected', actor: 'bob', data: expect.objectContaining({ reason: 'no fairness report attached' }) });
    await completeTask(env, review.id, 'carol', {});
    expect(await instanceEnd(env, instanceId)).toBe('End_Rejected');
    expect((await env.http.get('/mlc/deployments?modelId=fraud-r').expect(200)).body).toEqual([]);
  });

  it('no runtime matches the tags: DEPLOY_FAILED becomes a review task with the reason', async () => {
    await createModel('fraud-nort', { runtimeTags: ['mainframe'] });
    await upload('fraud-nort', model.bytes).expect(201);
    const instanceId = await submit('fraud-nort', 1);
    await completeTask(env, (await taskOf(env, instanceId, 'Task_Approve')).id, 'bob', { approved: true });
    const review = await taskOf(env, instanceId, 'Task_ReviewDeploy');
    expect(review.variables.failureReason).toBe("no runtime matches stage PROD, tags [mainframe], capability 'onnx' for fraud-nort v1".replace(", capability 'onnx'", ''));
    expect((await env.http.get('/mlc/models/fraud-nort/versions/1').expect(200)).body.status).toBe('approved');
    const audit = (await env.http.get('/mlc/models/fraud-nort/versions/1/audit').expect(200)).body;
    expect(audit.statusHistory.at(-1)).toMatchObject({ kind: 'deployFailed', data: expect.objectContaining({ reason: review.variables.failureReason }) });
  });

  it('a test dataset missing a feature column: TEST_FAILED → review task naming the column, recorded', async () => {
    const broken = writeDataset(env.dataDir, 'q2-no-fico.csv', withoutColumn(quarter('Q2', 500), 'card_fico_score'));
    await createModel('fraud-t', { testData: broken });
    await upload('fraud-t', model.bytes).expect(201);
    const instanceId = await submit('fraud-t', 1);
    const review = await taskOf(env, instanceId, 'Task_ReviewTest');
    expect(review.variables.failureReason).toMatch(/test of fraud-t v1 on datasets\/q2-no-fico\.csv could not run: .*"card_fico_score"/);
    const results = (await env.http.get('/mlc/models/fraud-t/versions/1/test-results').expect(200)).body;
    expect(results).toEqual([expect.objectContaining({ passed: false, error: review.variables.failureReason })]);
    expect((await env.http.get('/mlc/models/fraud-t/versions/1').expect(200)).body.status).toBe('registered');
    await completeTask(env, review.id, 'carol', {});
    expect(await instanceEnd(env, instanceId)).toBe('End_TestFailed');
  });

  it('a model whose input schema does not fit the runtime is refused at deploy; the runtime keeps serving', async () => {
    const before = (await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment;
    expect(before).toMatchObject({ modelId: 'fraud-a', version: 1 });
    const features = [...CREDIT_CARD_FEATURES, 'device_score'];
    const table = withColumn(quarter('Q1', 2000), 'device_score', (_r, i) => (i * 37) % 11);
    const testData = writeDataset(env.dataDir, 'q2-device.csv', withColumn(quarter('Q2', 1000), 'device_score', (_r, i) => (i * 37) % 11));
    await createModel('fraud-s', { testData });
    await upload('fraud-s', trainOnnx(table, features).bytes).expect(201);
    const instanceId = await submit('fraud-s', 1);
    await completeTask(env, (await taskOf(env, instanceId, 'Task_Approve')).id, 'bob', { approved: true });
    const review = await taskOf(env, instanceId, 'Task_ReviewDeploy');
    expect(review.variables.failureReason).toMatch(/input schema mismatch: model fraud-s v1 needs "device_score" which runtime 'prod-scoring' does not provide/);
    const after = (await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment;
    expect(after).toEqual(before);
    const rows = [Object.fromEntries(CREDIT_CARD_FEATURES.map((f, j) => [f, q1.rows[0]![j]!]))];
    expect((await env.http.post('/mlc/runtimes/prod-scoring/score').send({ rows }).expect(200)).body).toMatchObject({ modelId: 'fraud-a', version: 1 });
  });

  it('with requiresTraining, the submitted version is trained in the background and the trained version goes through', async () => {
    await createModel('fraud-train', { requiresTraining: true, trainingData: 'datasets/credit-card-q1.csv' });
    await upload('fraud-train', model.bytes).expect(201);
    const instanceId = await submit('fraud-train', 1, { trainingPollInterval: 'PT1S' });
    // training runs in a child process; the process polls training-status on a timer
    const approval = await taskOf(env, instanceId, 'Task_Approve', advance(env, 1000)).catch(async (error) => {
      const incidents = env.engine.queries.incidents({});
      throw new Error(`${(error as Error).message}; incidents: ${JSON.stringify(incidents.map((i) => i.message))}`);
    });
    expect(approval.variables).toMatchObject({ modelVersion: 2, submittedVersion: 1, trainingStatus: 'succeeded' });
    const v2 = (await env.http.get('/mlc/models/fraud-train/versions/2').expect(200)).body;
    expect(v2).toMatchObject({ status: 'tested', createdByInstance: instanceId, trainingData: 'datasets/credit-card-q1.csv' });
    const jobs = (await env.http.get('/mlc/models/fraud-train/training-jobs').expect(200)).body;
    expect(jobs).toEqual([expect.objectContaining({ status: 'succeeded', resultVersion: 2, instanceId })]);
    await completeTask(env, approval.id, 'bob', { approved: true });
    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');
  });
});

describe('bad input over REST', () => {
  it('a corrupt ONNX upload is a clear 400, recorded nowhere, disturbing nothing', async () => {
    await createModel('fraud-bad');
    const res = await upload('fraud-bad', new Uint8Array([0x08, 0x07, 0x12, 0x04, 0x74, 0x65, 0x73, 0x74, 0xff, 0xff])).expect(400);
    expect(res.body).toEqual({ type: 'InvalidModel', message: expect.stringMatching(/^model 'fraud-bad': (not an ONNX model|invalid ONNX model)/) });
    const truncated = await upload('fraud-bad', model.bytes.slice(0, model.bytes.length - 30)).expect(400);
    expect(truncated.body.type).toBe('InvalidModel');
    expect((await env.http.get('/mlc/models/fraud-bad/versions').expect(200)).body).toEqual([]);
    const dir = join(env.dataDir, 'models', 'fraud-bad');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    // a good upload afterwards is version 1
    expect((await upload('fraud-bad', model.bytes).expect(201)).body.version).toBe(1);
  });

  it('validates bodies and ids, and never reads outside the data directory', async () => {
    expect((await env.http.post('/mlc/models').send({ id: '../../etc' }).expect(400)).body.type).toBe('ValidationError');
    expect((await env.http.post('/mlc/models').send({ id: 'ok', color: 'red' }).expect(400)).body.message).toMatch(/additional properties \('color'\)/);
    expect((await env.http.get('/mlc/models/..%2F..%2Fetc').expect(400)).body.type).toBe('BadRequest');
    const escaped = await env.http.post('/mlc/models/fraud-bad/versions').send({ path: '../../../etc/passwd' }).expect(400);
    expect(escaped.body.message).toMatch(/outside the data directory/);
    expect((await env.http.get('/mlc/models/nope').expect(404)).body).toEqual({ type: 'NotFound', message: "no model 'nope'" });
    expect((await env.http.post('/mlc/models/fraud-bad/versions/1/status').send({ status: 'deployed' }).expect(400)).body.message).toMatch(/through a deployment/);
    expect((await env.http.post('/mlc/models/fraud-bad/versions/1/status').set('authorization', basic('bob')).send({ status: 'approved' }).expect(409)).body.message).toMatch(/registered; it cannot become approved/);
    expect((await env.http.post('/mlc/runtimes/prod-scoring/score').send({ rows: [{ amount: 'x' }] }).expect(400)).body.type).toBe('ValidationError');
    expect((await env.http.post('/mlc/runtimes/prod-scoring/score').send({ rows: [{ amount: 3 }] }).expect(400)).body.message).toMatch(/missing feature "merchant_category"/);
    expect((await env.http.post('/mlc/runtimes/qa-scoring/score').send({ rows: [] }).expect(409)).body.message).toMatch(/serves no model/);
  });
});
