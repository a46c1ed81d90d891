import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlcError, type ModelLifecycle } from '../../src/mlc/index.js';
import { canMove } from '../../src/mlc/registry/status.js';
import { checkId, resolveInside } from '../../src/mlc/registry/ids.js';
import { builtinHandlers } from '../../src/mlc/handlers/index.js';
import { BpmnError } from '../../src/index.js';
import type { JobContext } from '../../src/runtime/handler-dispatcher.js';
import { CREDIT_CARD_FEATURES, predictProba } from '../../src/mlc/ml/index.js';
import { quarter, setup, trainOnnx, withoutColumn, writeDataset, type Env } from './helpers.js';

let env: Env;
let lc: ModelLifecycle;
const q1 = quarter('Q1', 1500);
const trained = trainOnnx(q1);

beforeAll(async () => {
  env = await setup();
  lc = env.lc;
});
afterAll(() => env.close());

function job(topic: string, variables: Record<string, unknown>, key = `job-${Math.random()}`): JobContext {
  return {
    idempotencyKey: key, jobId: key, topic, attempt: 1, retriesLeft: 3, variables,
    element: { id: 'Task', type: 'serviceTask' }, instance: { id: 'instance-1', businessKey: null, definitionKey: 'Unit', definitionId: 'Unit:1' },
    headers: {}, signal: new AbortController().signal,
  };
}

describe('identifiers and paths', () => {
  it('accepts safe ids and refuses anything that could name a path', () => {
    expect(checkId('fraud-detector.v2_a', 'id')).toBe('fraud-detector.v2_a');
    for (const bad of ['../x', '.hidden', 'a/b', 'a\\b', '', 'x'.repeat(65), 'a..b', 'naïve', 42]) {
      expect(() => checkId(bad, 'model id')).toThrow(MlcError);
    }
  });

  it('keeps data references inside the data directory', () => {
    expect(resolveInside(env.dataDir, 'datasets/credit-card-q1.csv', 'data')).toBe(join(env.dataDir, 'datasets/credit-card-q1.csv'));
    for (const bad of ['../outside.csv', '/etc/passwd', 'datasets/../../x', '']) {
      expect(() => resolveInside(env.dataDir, bad, 'data')).toThrow(/outside the data directory|must be a path/);
    }
  });
});

describe('model versions', () => {
  it('stores the artifact under models/<id>/<n>.onnx with its sha256 and feature schema', async () => {
    lc.registry.createModel({ id: 'unit-a', type: 'fraud' });
    const v = await lc.registry.registerVersion('unit-a', { bytes: trained.bytes, trainingData: 'datasets/credit-card-q1.csv', baseline: trained.baseline });
    expect(v.version).toBe(1);
    expect(v.status).toBe('registered');
    expect(v.artifact).toBe('models/unit-a/1.onnx');
    expect(v.features).toEqual([...CREDIT_CARD_FEATURES]);
    const onDisk = readFileSync(join(env.dataDir, v.artifact));
    expect(createHash('sha256').update(onDisk).digest('hex')).toBe(v.sha256);
    const v2 = await lc.registry.registerVersion('unit-a', { bytes: trained.bytes });
    expect(v2.version).toBe(2);
  });

  it('refuses a corrupt ONNX file with a clear error and leaves nothing behind', async () => {
    lc.registry.createModel({ id: 'unit-corrupt' });
    const garbage = new Uint8Array(trained.bytes.slice(0, 40));
    await expect(lc.registry.registerVersion('unit-corrupt', { bytes: garbage })).rejects.toMatchObject({ type: 'InvalidModel', status: 400 });
    await expect(lc.registry.registerVersion('unit-corrupt', { bytes: Buffer.from('definitely not onnx') })).rejects.toThrow(/not an ONNX model|ONNX/);
    expect(lc.registry.versions('unit-corrupt')).toEqual([]);
    expect(existsSync(join(env.dataDir, 'models', 'unit-corrupt')) ? readdirSync(join(env.dataDir, 'models', 'unit-corrupt')) : []).toEqual([]);
  });

  it('registers by path only inside the data directory', async () => {
    writeFileSync(join(env.dataDir, 'upload.onnx'), trained.bytes);
    lc.registry.createModel({ id: 'unit-path' });
    const v = await lc.registry.registerVersion('unit-path', { path: 'upload.onnx' });
    expect(v.version).toBe(1);
    await expect(lc.registry.registerVersion('unit-path', { path: '../../etc/passwd' })).rejects.toThrow(/outside the data directory/);
  });

  it('enforces the legal status moves and records each one', async () => {
    expect(canMove('registered', 'tested')).toBe(true);
    expect(canMove('registered', 'deployed')).toBe(false);
    expect(canMove('rejected', 'approved')).toBe(false);
    lc.registry.createModel({ id: 'unit-status' });
    await lc.registry.registerVersion('unit-status', { bytes: trained.bytes });
    expect(() => lc.registry.transition('unit-status', 1, 'approved')).toThrow(/registered; it cannot become approved \(legal: tested, rejected, retired\)/);
    lc.registry.transition('unit-status', 1, 'tested', { actor: 'carol' });
    lc.registry.transition('unit-status', 1, 'rejected', { actor: 'alice', reason: 'too slow' });
    expect(() => lc.registry.transition('unit-status', 1, 'tested')).toThrow(/final/);
    const moves = lc.registry.events('unit-status', 1).filter((e) => e.kind === 'status').map((e) => [e.fromStatus, e.toStatus, e.actor]);
    expect(moves).toEqual([['registered', 'tested', 'carol'], ['tested', 'rejected', 'alice']]);
  });
});

describe('runtimes', () => {
  it('finds runtimes by stage, tags and capability', () => {
    expect(lc.runtimes.find({ stage: 'PROD', tags: ['fraud'], capability: 'onnx' }).map((r) => r.name)).toEqual(['prod-scoring']);
    expect(lc.runtimes.find({ stage: 'dev', tags: ['fraud', 'credit'] }).map((r) => r.name)).toEqual(['dev-scoring']);
    expect(lc.runtimes.find({ stage: 'PROD', tags: ['credit'] })).toEqual([]);
    expect(lc.runtimes.find({ stage: 'QA', capability: 'realtime' })).toEqual([]);
    expect(() => lc.runtimes.upsert({ name: 'x', stage: 'STAGING' })).toThrow(/DEV, QA, PROD/);
  });

  it('hot-swaps a version into a runtime and scores rows like the trained model', async () => {
    const v = lc.registry.version('unit-a', 1);
    const runtime = await lc.runtimes.load('dev-scoring', v);
    lc.runtimes.recordDeployment(runtime, v, null);
    const rows = q1.rows.slice(0, 5).map((r) => Object.fromEntries(CREDIT_CARD_FEATURES.map((f, j) => [f, r[j]!])));
    const scored = await lc.runtimes.score('dev-scoring', rows);
    const expected = predictProba(trained.model, q1.rows.slice(0, 5).map((r) => r.slice(0, 6)));
    scored.predictions.forEach((p, i) => expect(p.probability).toBeCloseTo(expected[i]!, 5));
    await expect(lc.runtimes.score('dev-scoring', [{ amount: 1 }])).rejects.toThrow(/missing feature "merchant_category"/);
  });

  it('names the missing features when a model does not fit the runtime schema', async () => {
    const extra = trainOnnx(
      { columns: [...q1.columns.slice(0, 6), 'device_score', q1.columns[6]!], rows: q1.rows.map((r, i) => [...r.slice(0, 6), i % 7, r[6]!]) },
      [...CREDIT_CARD_FEATURES, 'device_score'],
    );
    lc.registry.createModel({ id: 'unit-schema' });
    const v = await lc.registry.registerVersion('unit-schema', { bytes: extra.bytes });
    expect(lc.runtimes.schemaMismatch(lc.runtimes.get('prod-scoring'), v)).toMatch(/needs "device_score" which runtime 'prod-scoring' does not provide/);
    expect(lc.runtimes.schemaMismatch(lc.runtimes.get('dev-scoring'), v)).toBeNull();
  });
});

describe('handlers (unit level)', () => {
  const handlers = () => builtinHandlers(lc);

  it('test: persists one result per job even when the job is delivered twice', async () => {
    const q2 = writeDataset(env.dataDir, 'unit-q2.csv', quarter('Q2', 1500));
    const j = job('test', { modelId: 'unit-a', modelVersion: 1, testData: q2 }, 'same-key');
    const first = await handlers().test(j);
    const again = await handlers().test(j);
    expect(again).toEqual(first);
    const results = lc.store.testResults({ modelId: 'unit-a', version: 1 });
    expect(results).toHaveLength(1);
    expect(first!.variables).toMatchObject({ testPassed: true, thresholdExceeded: false, driftedFeatures: '' });
    expect(first!.variables!.accuracy).toBeGreaterThan(0.8);
    expect(results[0]!.metrics).toMatchObject({ confusion: expect.any(Object), logLoss: expect.any(Number), auc: expect.any(Number) });
    expect(lc.registry.version('unit-a', 1).status).toBe('tested');
  });

  it('test: a dataset missing a feature column is TEST_FAILED naming it, and recorded', async () => {
    const broken = writeDataset(env.dataDir, 'unit-no-age.csv', withoutColumn(quarter('Q2', 300), 'card_age'));
    const before = lc.store.testResults({ modelId: 'unit-a', version: 2 }).length;
    const error = await Promise.resolve().then(() => handlers().test(job('test', { modelId: 'unit-a', modelVersion: 2, testData: broken }))).catch((e: any) => e);
    expect(error).toBeInstanceOf(BpmnError);
    expect(error.code).toBe('TEST_FAILED');
    expect(error.message).toMatch(/"card_age"/);
    const results = lc.store.testResults({ modelId: 'unit-a', version: 2 });
    expect(results).toHaveLength(before + 1);
    expect(results.at(-1)).toMatchObject({ passed: false, error: expect.stringContaining('card_age') });
    expect(lc.registry.version('unit-a', 2).status).toBe('registered');
  });

  it('deploy: an artifact changed on disk fails to load (DEPLOY_FAILED) and the runtime keeps serving', async () => {
    lc.registry.createModel({ id: 'unit-tamper' });
    const v = await lc.registry.registerVersion('unit-tamper', { bytes: trained.bytes });
    lc.registry.transition('unit-tamper', 1, 'tested');
    lc.registry.transition('unit-tamper', 1, 'approved');
    const serving = lc.runtimes.active('dev-scoring');
    writeFileSync(join(env.dataDir, v.artifact), Buffer.from('tampered'));
    const error = await Promise.resolve().then(() => handlers().deploy(job('deploy', { modelId: 'unit-tamper', modelVersion: 1, runtimeName: 'dev-scoring' }))).catch((e: any) => e);
    expect(error).toMatchObject({ code: 'DEPLOY_FAILED', message: expect.stringMatching(/was modified on disk \(sha256/) });
    expect(lc.runtimes.active('dev-scoring')).toEqual(serving);
    expect(lc.registry.version('unit-tamper', 1).status).toBe('approved');
    expect(lc.registry.events('unit-tamper', 1).at(-1)).toMatchObject({ kind: 'deployFailed' });
  });

  it('deploy: only approved versions, BpmnError DEPLOY_FAILED with the reason otherwise', async () => {
    const error = await Promise.resolve().then(() => handlers().deploy(job('deploy', { modelId: 'unit-a', modelVersion: 2 }))).catch((e: any) => e);
    expect(error).toMatchObject({ code: 'DEPLOY_FAILED', message: expect.stringMatching(/registered; only an approved version/) });
  });
});
