/** A restarted engine serves what was deployed, and training jobs cut off by the stop run again under the same id (or fail once out of attempts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { installModelLifecycle } from '../../src/mlc/index.js';
import { CREDIT_CARD_FEATURES } from '../../src/mlc/ml/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reloads active deployments into their runtimes and reruns interrupted training jobs', async () => {
  const database = join(dir, 'engine.sqlite');
  const dataDir = join(dir, 'data');
  let engine = await Engine.open({ database });
  let lc = await installModelLifecycle(engine, { dataDir, seedDemo: true });
  lc.registry.transition('fraud-detector', 1, 'tested');
  lc.registry.transition('fraud-detector', 1, 'approved');
  const v1 = lc.registry.version('fraud-detector', 1);
  lc.runtimes.recordDeployment(await lc.runtimes.load('prod-scoring', v1), v1, null);
  const job = lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q2.csv' });
  await engine.close(); // kills the training child

  engine = await Engine.open({ database });
  lc = await installModelLifecycle(engine, { dataDir, seedDemo: true });
  try {
    expect(lc.registry.versions('fraud-detector')).toHaveLength(1); // the seed is not repeated
    const row = Object.fromEntries(CREDIT_CARD_FEATURES.map((f) => [f, 1]));
    const scored = await lc.runtimes.score('prod-scoring', [row]);
    expect(scored).toMatchObject({ modelId: 'fraud-detector', version: 1 });
    // the interrupted job runs again (attempt 2 of 2) and registers its model
    expect(lc.training.status(job.id).status).toBe('running');
    expect(await lc.training.whenFinished(job.id)).toMatchObject({ status: 'succeeded', version: 2 });
    expect(lc.training.log(job.id)).toMatch(/--- attempt 1 of 2[\s\S]*--- attempt 2 of 2/);
    expect(lc.registry.version('fraud-detector', 2)).toMatchObject({ trainingData: 'datasets/credit-card-q2.csv' });
    // the bundled processes were filtered as an unchanged redeploy
    expect(engine.latestDefinition('OnModelChanged').version).toBe(1);
  } finally {
    await engine.close();
  }
});

it('a job interrupted on its last attempt fails with the reason instead of running forever', async () => {
  const database = join(dir, 'engine-last.sqlite');
  const dataDir = join(dir, 'data-last');
  let engine = await Engine.open({ database });
  let lc = await installModelLifecycle(engine, { dataDir, seedDemo: true });
  lc.registry.updateModel('fraud-detector', { metadata: { ...lc.registry.model('fraud-detector').metadata, trainingAttempts: 1 } });
  const job = lc.training.start({ modelId: 'fraud-detector', trainingData: 'datasets/credit-card-q2.csv' });
  await engine.close();
  engine = await Engine.open({ database });
  lc = await installModelLifecycle(engine, { dataDir, seedDemo: true });
  try {
    expect(lc.training.status(job.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted: the engine stopped .* \(attempt 1 of 1, no attempts left\)/) });
  } finally {
    await engine.close();
  }
});
