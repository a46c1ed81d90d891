/**
 * OnModelChanged compensates a failed deployment, in both flavours: v1 is deployed, v2 is deployed
 * over it and fails its verification on the runtime (its smoke data lacks a feature column), and
 * the compensation handlers undeploy v2, load v1 back into the runtime as its champion and take
 * v2's status back — through the real built-in handlers, the real runtime and the real registry.
 * The Camunda 7 flavour is driven over /mlc and /engine-rest, the Camunda 8 one over /v2 with
 * @camunda8/sdk (deploy, start, user tasks).
 */
import { readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledProcessesDir } from '../../src/mlc/index.js';
import { CREDIT_CARD_FEATURES, predictProba } from '../../src/mlc/ml/index.js';
import { basic, completeTask, instanceEnd, quarter, setup, taskOf, trainOnnx, USERS, withoutColumn, writeDataset, type Env } from './helpers.js';
import { Camunda8KeyStore } from '../../src/store/camunda8-key-store.js';

let env: Env;
let server: Server;
/** carol submits and reviews, bob approves (four-eyes) */
let rest: ReturnType<Camunda8['getCamundaRestClient']>;
let bobRest: ReturnType<Camunda8['getCamundaRestClient']>;
const q1 = quarter('Q1');
const champion = trainOnnx(q1, CREDIT_CARD_FEATURES, 1e-3);
const challenger = trainOnnx(q1, CREDIT_CARD_FEATURES, 1e-1);

beforeAll(async () => {
  env = await setup();
  server = await new Promise<Server>((resolve) => {
    const s = env.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  for (const name of Object.keys(process.env)) if (/^(CAMUNDA|ZEEBE)_/.test(name)) delete process.env[name];
  const client = (user: 'carol' | 'bob') => new Camunda8({
    ZEEBE_REST_ADDRESS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: user, CAMUNDA_BASIC_AUTH_PASSWORD: USERS[user],
  }).getCamundaRestClient();
  rest = client('carol');
  bobRest = client('bob');
  // the Camunda 8 flavour as the Modeler deploys it: every file of processes/c8 over /v2
  const c8 = join(bundledProcessesDir(), 'c8');
  await rest.deployResourcesFromFiles(readdirSync(c8).sort().map((f) => join(c8, f)));
});
afterAll(async () => {
  env.app.closeRest();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await env.close();
});

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
  // the variables `submit` starts the Camunda 7 process with, over /v2
  const started = await rest.createProcessInstance({
    processDefinitionId: processKey,
    variables: { ...env.lc.submitVariables(env.lc.registry.model(modelId), n), ...variables },
  });
  const id = new Camunda8KeyStore(env.engine.db).idOf(started.processInstanceKey);
  if (!id) throw new Error(`no instance for key ${started.processInstanceKey}`);
  return id;
}

/** Completes the instance's open task: over /engine-rest (Camunda 7), or /v2 with @camunda8/sdk (its native user task). */
async function complete(processKey: string, instanceId: string, elementId: string, user: 'carol' | 'bob', variables: Record<string, unknown>): Promise<void> {
  const task = await taskOf(env, instanceId, elementId);
  if (processKey === 'OnModelChanged') return completeTask(env, task.id, user, variables);
  const key = new Camunda8KeyStore(env.engine.db).keyOf(instanceId);
  const found = await (user === 'bob' ? bobRest : rest).searchUserTasks({ filter: { processInstanceKey: key, elementId } as never });
  expect(found.items).toHaveLength(1);
  await (user === 'bob' ? bobRest : rest).completeUserTask({ userTaskKey: found.items[0]!.userTaskKey, variables });
}

async function deployThroughProcess(processKey: string, modelId: string, n: number, variables?: Record<string, unknown>): Promise<string> {
  const instanceId = await submit(processKey, modelId, n, variables);
  await complete(processKey, instanceId, 'Task_Approve', 'bob', { approved: true, comment: 'ok' });
  return instanceId;
}

function statuses(audit: { statusHistory: Array<{ kind: string; to: string }> }): string[] {
  return audit.statusHistory.filter((s) => s.kind === 'status').map((s) => s.to);
}

describe.each(flavours)('OnModelChanged rolls a failed deployment back by compensation ($name)', ({ processKey }) => {
  it('v2 fails its verification on the runtime: v2 is undeployed, v1 serves again as the champion, v2 is retired', { timeout: 120_000 }, async () => {
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

    await complete(processKey, second, 'Task_ReviewDeploy', 'carol', {});
    expect(await instanceEnd(env, second)).toBe('End_DeployFailed');
    expect(env.engine.db.prepare('SELECT count(*) AS n FROM compensations WHERE instance_id = ?').get(second)).toEqual({ n: 0 });
  });
});
