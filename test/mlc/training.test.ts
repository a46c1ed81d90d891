import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinHandlers } from '../../src/mlc/handlers/index.js';
import type { JobContext } from '../../src/runtime/handler-dispatcher.js';
import { CREDIT_CARD_FEATURES } from '../../src/mlc/ml/index.js';
import { setup, type Env } from './helpers.js';

let env: Env;
// the operator's trainers: the only commands training ever runs
const trainers = {
  failing: [process.execPath, '-e', 'console.log("loading data"); console.error("CUDA not found"); process.exit(3)'],
  slow: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'],
  'print-env': [process.execPath, '-e', 'console.log(JSON.stringify(process.env)); process.exit(4)'],
};
beforeAll(async () => {
  process.env.MLC_TEST_SECRET = 'hunter2';
  env = await setup({ lifecycle: { trainers } });
});
afterAll(async () => {
  delete process.env.MLC_TEST_SECRET;
  await env.close();
});

const job = (topic: string, variables: Record<string, unknown>, key: string): JobContext => ({
  idempotencyKey: key, jobId: key, topic, attempt: 1, retriesLeft: 3, variables,
  element: { id: 'Task', type: 'serviceTask' }, instance: { id: 'instance-t', businessKey: null, definitionKey: 'Unit', definitionId: 'Unit:1' },
  headers: {}, signal: new AbortController().signal,
});

describe('background training', () => {
  it('trains a logistic regression in a child process into a new registered version with baseline and metrics', async () => {
    const handlers = builtinHandlers(env.lc);
    const started = await handlers.train(job('train', { modelId: 'fraud-detector', modelVersion: 1, trainingData: 'datasets/credit-card-q3.csv' }, 'train-1'));
    expect(started!.variables).toMatchObject({ trainingStatus: 'running', trainingJobId: expect.any(String) });
    const jobId = started!.variables!.trainingJobId as string;
    // at-least-once delivery: the same job key finds the same training job
    const again = await handlers.train(job('train', { modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q3.csv' }, 'train-1'));
    expect(again!.variables!.trainingJobId).toBe(jobId);

    const done = await env.lc.training.whenFinished(jobId);
    expect(done).toMatchObject({ status: 'succeeded', version: 2, error: null });
    const polled = await handlers['training-status'](job('training-status', { trainingJobId: jobId }, 'poll-1'));
    expect(polled!.variables).toMatchObject({ trainingStatus: 'succeeded', modelVersion: 2 });

    const v = env.lc.registry.version('fraud-detector', 2);
    expect(v).toMatchObject({ status: 'registered', trainingData: 'datasets/credit-card-q3.csv', createdByInstance: 'instance-t', features: [...CREDIT_CARD_FEATURES] });
    // metrics only among the metrics; threshold, iterations and loss with the hyperparameters
    expect(Object.keys(v.trainingMetrics!).sort()).toEqual(['accuracy', 'auc', 'confusion', 'f1', 'logLoss', 'n', 'precision', 'recall']);
    expect(v.trainingMetrics).toMatchObject({ n: 4000, accuracy: expect.any(Number) });
    expect(v.hyperParameters).toMatchObject({ l2: 1e-3, iterations: 25, bins: 10, threshold: 0.5, iterationsRun: expect.any(Number), finalLoss: expect.any(Number), rows: 4000 });
    expect((v.baseline as { features: unknown[] }).features).toHaveLength(6);
    expect(env.lc.training.log(jobId)).toMatch(/fitting logistic regression on 4000 rows/);
  });

  it('a configured trainer that fails is a failed job with its log captured', async () => {
    env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: 'failing' } });
    try {
      const record = env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' });
      const done = await env.lc.training.whenFinished(record.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/exited with code 3: loading data \| CUDA not found/);
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: undefined } });
    }
  });

  it('a configured trainer that runs too long is killed at its timeout', async () => {
    env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: 'slow', trainingTimeoutMs: 300 } });
    try {
      const record = env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' });
      const done = await env.lc.training.whenFinished(record.id);
      // each attempt has its timeout; after the last one the job fails with the reason
      expect(done).toMatchObject({ status: 'failed', error: 'timed out after 300 ms (attempt 2 of 2, no attempts left)' });
      expect(env.lc.training.log(record.id)).toMatch(/--- attempt 1 of 2[\s\S]*--- attempt 2 of 2/);
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: undefined, trainingTimeoutMs: undefined } });
    }
  });

  it('refuses training data outside the data directory before starting anything', async () => {
    const handlers = builtinHandlers(env.lc);
    const error = await Promise.resolve().then(() => handlers.train(job('train', { modelId: 'fraud-detector', trainingData: '../../etc/passwd' }, 'train-bad'))).catch((e: any) => e);
    expect(error).toMatchObject({ code: 'TRAIN_FAILED', message: expect.stringMatching(/outside the data directory/) });
  });

  it('refuses a training command in model metadata over REST, on create and on update (no command execution from data)', async () => {
    const marker = join(env.dataDir, 'pwned');
    const command = [process.execPath, '-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`];
    const created = await env.http.post('/mlc/models').send({ id: 'rce', metadata: { trainingCommand: command, trainingData: 'datasets/credit-card-q1.csv' } });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/trainingCommand is not accepted: training commands come only from the server configuration/);
    const patched = await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { trainingCommand: command } });
    expect(patched.status).toBe(400);
    expect(env.lc.registry.model('fraud-detector').metadata.trainingCommand).toBeUndefined();
    // a row written before this fix still carries one: training refuses to start rather than run it
    env.lc.store.updateModel({ ...env.lc.registry.model('fraud-detector'), metadata: { ...env.lc.registry.model('fraud-detector').metadata, trainingCommand: command } });
    try {
      expect(() => env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' })).toThrow(/trainingCommand is not accepted/);
    } finally {
      const { trainingCommand: _, ...metadata } = env.lc.registry.model('fraud-detector').metadata;
      env.lc.store.updateModel({ ...env.lc.registry.model('fraud-detector'), metadata });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('a model can only name a trainer the operator configured', async () => {
    const response = await env.http.patch('/mlc/models/fraud-detector').send({ metadata: { trainer: 'rm-rf' } });
    expect(response.status).toBe(200);
    try {
      expect(() => env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' }))
        .toThrow(/names trainer "rm-rf", which this server does not offer \(offered: builtin, failing, slow, print-env\)/);
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: undefined } });
    }
  });

  it("a trainer runs without the server's environment, so its log cannot leak credentials", async () => {
    env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: 'print-env' } });
    try {
      const record = env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' });
      await env.lc.training.whenFinished(record.id);
      const log = env.lc.training.log(record.id);
      expect(log).toMatch(/MLC_MODEL_ID/);
      expect(log).not.toMatch(/hunter2|MLC_TEST_SECRET/);
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainer: undefined } });
    }
  });
});
