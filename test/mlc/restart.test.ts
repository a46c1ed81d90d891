/** A restarted engine serves what was deployed, and training jobs cut off by the stop are failed, not left running. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { installModelLifecycle } from '../../src/mlc/index.js';
import { CREDIT_CARD_FEATURES } from '../../src/mlc/ml/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlc-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reloads active deployments into their runtimes and fails interrupted training jobs', async () => {
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
    expect(lc.training.status(job.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) });
    // the bundled processes were filtered as an unchanged redeploy
    expect(engine.latestDefinition('OnModelChanged').version).toBe(1);
  } finally {
    await engine.close();
  }
});
