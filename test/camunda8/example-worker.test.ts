import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScoreWorker } from '../../examples/camunda8-worker/worker.js';
import { startC8, type C8TestServer } from './helpers.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'camunda8-worker');

describe('examples/camunda8-worker against the real server', () => {
  let t: C8TestServer;
  let worker: { stop(): void };

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([{ name: 'score.bpmn', content: readFileSync(join(EXAMPLE, 'score.bpmn'), 'utf8') }]);
    worker = startScoreWorker({ url: t.url, pollIntervalMs: 50 });
  });
  afterAll(async () => {
    worker.stop();
    await t.close();
  });

  it('scores with the threshold from the task header', async () => {
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'ScoreModel', variables: { features: [0.4, 0.9] }, requestTimeout: 20_000, fetchVariables: ['score', 'approved'] });
    expect(result.variables).toEqual({ score: 0.65, approved: true });
  });

  it('throws INVALID_INPUT for bad input, caught by the boundary event', async () => {
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'ScoreModel', variables: { features: 'none' }, requestTimeout: 20_000, fetchVariables: ['rejectedInput', 'score'] });
    expect(result.variables).toEqual({ rejectedInput: 'none' });
  });
});
