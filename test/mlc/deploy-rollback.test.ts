/**
 * OnModelChanged compensates a failed deployment, in both flavours: v1 is deployed, v2 is deployed
 * over it and fails its verification on the runtime (its smoke data lacks a feature column), and
 * the compensation handlers undeploy v2, load v1 back into the runtime as its champion and take
 * v2's status back — through the real built-in handlers, the real runtime and the real registry.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledProcessesDir } from '../../src/mlc/index.js';
import { CREDIT_CARD_FEATURES, predictProba } from '../../src/mlc/ml/index.js';
import { deployProcessFolder } from '../../src/server.js';
import { basic, completeTask, instanceEnd, quarter, setup, taskOf, trainOnnx, withoutColumn, writeDataset, type Env } from './helpers.js';

let env: Env;
const q1 = quarter('Q1');
const champion = trainOnnx(q1, CREDIT_CARD_FEATURES, 1e-3);
const challenger = trainOnnx(q1, CREDIT_CARD_FEATURES, 1e-1);

beforeAll(async () => {
  env = await setup();
  await deployProcessFolder(env.engine, join(bundledProcessesDir(), 'c8'));
});
afterAll(() => env.close());

const flavours = [
  { name: 'Camunda 7', processKey: 'OnModelChanged' },
  { name: 'Camunda 8', processKey: 'OnModelChangedC8' },
] as const;

/** Submits v`n` of the model to the flavour's OnModelChanged, as carol; answers the instance id. */
async function submit(processKey: string, modelId: string, n: number, variables: Record<string, unknown> = {}): Promise<string> {
  if (processKey === 'OnModelChanged') {
    const res = await env.http.post(`/mlc/models/${modelId}/versions/${n}/submit`).set('authorization', basic('carol')).send({ variables }).expect(201);
    return res.body.processInstanceId as string;
  }
  const instance = await env.engine.start(processKey, {
    businessKey: `${modelId}:v${n}`,
    actor: 'carol',
    variables: { ...env.lc.submitVariables(env.lc.registry.model(modelId), n), ...variables },
  });
  env.lc.registry.note(modelId, n, 'submitted', { actor: 'carol', instanceId: instance.id });
  return instance.id;
}

async function deployThroughProcess(processKey: string, modelId: string, n: number, variables?: Record<string, unknown>): Promise<string> {
  const instanceId = await submit(processKey, modelId, n, variables);
  await completeTask(env, (await taskOf(env, instanceId, 'Task_Approve')).id, 'bob', { approved: true, comment: 'ok' });
  return instanceId;
}

function statuses(audit: { statusHistory: Array<{ kind: string; to: string }> }): string[] {
  return audit.statusHistory.filter((s) => s.kind === 'status').map((s) => s.to);
}

describe.each(flavours)('OnModelChanged rolls a failed deployment back by compensation ($name)', ({ processKey }) => {
  it('v2 fails its verification on the runtime: v2 is undeployed, v1 serves again as the champion, v2 is retired', async () => {
    const modelId = `fraud-rollback-${processKey === 'OnModelChanged' ? 'c7' : 'c8'}`;
    await env.http.post('/mlc/models').send({
      id: modelId, name: `Model ${modelId}`, type: 'fraud', ownerGroup: 'data-science',
      metadata: { approvalGroup: 'fraud-risk-officers', runtimeTags: ['fraud'], deployStage: 'PROD', testData: 'datasets/credit-card-q2.csv' },
    }).expect(201);
    for (const bytes of [champion.bytes, challenger.bytes]) {
      await env.http.post(`/mlc/models/${modelId}/versions`).set('authorization', basic('carol')).attach('model', Buffer.from(bytes), 'model.onnx')
        .field('trainingData', 'datasets/credit-card-q1.csv').expect(201);
    }

    const first = await deployThroughProcess(processKey, modelId, 1);
    expect(await instanceEnd(env, first)).toBe('End_Deployed');
    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ modelId, version: 1 });

    // v2's smoke data lacks a feature column: it deploys, then the runtime cannot score the smoke rows
    const smokeTestData = writeDataset(env.dataDir, `smoke-${modelId}.csv`, withoutColumn(quarter('Q2', 100), 'card_fico_score'));
    const second = await deployThroughProcess(processKey, modelId, 2, { smokeTestData });
    const review = await taskOf(env, second, 'Task_ReviewDeploy');
    expect(review.variables.failureReason).toMatch(new RegExp(`verification of ${modelId} v2 on runtime 'prod-scoring' failed: scoring 50 smoke rows of datasets/smoke-${modelId}\\.csv: row 0 is missing feature "card_fico_score"`));

    // compensated newest first: the deployment (runtime back to v1), then the approval (v2's status)
    const handlers = env.engine.db.prepare(`SELECT element_id, data FROM history WHERE instance_id = ? AND kind = 'compensationHandlerStarted' ORDER BY seq`).all(second) as Array<{ element_id: string; data: string }>;
    expect(handlers.map((h) => [h.element_id, JSON.parse(h.data).activity])).toEqual([['Undo_Deploy', 'Task_Deploy'], ['Undo_Approval', 'Task_MarkApproved']]);

    const runtime = (await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body;
    expect(runtime.deployment).toMatchObject({ modelId, version: 1, status: 'active', instanceId: second });
    const rows = q1.rows.slice(0, 10).map((r) => Object.fromEntries(CREDIT_CARD_FEATURES.map((f, j) => [f, r[j]!])));
    const scored = (await env.http.post('/mlc/runtimes/prod-scoring/score').send({ rows }).expect(200)).body;
    expect(scored).toMatchObject({ modelId, version: 1 });
    const expected = predictProba(champion.model, q1.rows.slice(0, 10).map((r) => r.slice(0, 6)));
    scored.predictions.forEach((p: { probability: number }, i: number) => expect(p.probability).toBeCloseTo(expected[i]!, 5));

    const v1 = (await env.http.get(`/mlc/models/${modelId}/versions/1/audit`).expect(200)).body;
    const v2 = (await env.http.get(`/mlc/models/${modelId}/versions/2/audit`).expect(200)).body;
    expect(statuses(v1)).toEqual(['tested', 'approved', 'deployed', 'retired', 'deployed']);
    expect(statuses(v2)).toEqual(['tested', 'approved', 'deployed', 'retired']);
    expect(v2.version.status ?? (await env.http.get(`/mlc/models/${modelId}/versions/2`).expect(200)).body.status).toBe('retired');

    await completeTask(env, review.id, 'carol', {});
    expect(await instanceEnd(env, second)).toBe('End_DeployFailed');
    expect(env.engine.db.prepare('SELECT count(*) AS n FROM compensations WHERE instance_id = ?').get(second)).toEqual({ n: 0 });
  });
});
