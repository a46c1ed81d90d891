import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinHandlers } from '../../src/mlc/handlers/index.js';
import type { JobContext } from '../../src/runtime/handler-dispatcher.js';
import { CREDIT_CARD_FEATURES } from '../../src/mlc/ml/index.js';
import { setup, type Env } from './helpers.js';

let env: Env;
beforeAll(async () => {
  env = await setup();
});
afterAll(() => env.close());

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
    expect(v.trainingMetrics).toMatchObject({ rows: 4000, accuracy: expect.any(Number) });
    expect((v.baseline as { features: unknown[] }).features).toHaveLength(6);
    expect(env.lc.training.log(jobId)).toMatch(/fitting logistic regression on 4000 rows/);
  });

  it('a custom training command that fails is a failed job with its log captured', async () => {
    env.lc.registry.updateModel('fraud-detector', { metadata: { trainingCommand: [process.execPath, '-e', 'console.log("loading data"); console.error("CUDA not found"); process.exit(3)'] } });
    try {
      const record = env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' });
      const done = await env.lc.training.whenFinished(record.id);
      expect(done.status).toBe('failed');
      expect(done.error).toMatch(/exited with code 3: loading data \| CUDA not found/);
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainingCommand: undefined } });
    }
  });

  it('a custom training command that runs too long is killed at its timeout', async () => {
    env.lc.registry.updateModel('fraud-detector', { metadata: { trainingCommand: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], trainingTimeoutMs: 300 } });
    try {
      const record = env.lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q1.csv' });
      const done = await env.lc.training.whenFinished(record.id);
      expect(done).toMatchObject({ status: 'failed', error: 'timed out after 300 ms' });
    } finally {
      env.lc.registry.updateModel('fraud-detector', { metadata: { trainingCommand: undefined, trainingTimeoutMs: undefined } });
    }
  });

  it('refuses training data outside the data directory before starting anything', async () => {
    const handlers = builtinHandlers(env.lc);
    const error = await Promise.resolve().then(() => handlers.train(job('train', { modelId: 'fraud-detector', trainingData: '../../etc/passwd' }, 'train-bad'))).catch((e: any) => e);
    expect(error).toMatchObject({ code: 'TRAIN_FAILED', message: expect.stringMatching(/outside the data directory/) });
  });
});
