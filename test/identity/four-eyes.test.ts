/**
 * Authorization over real HTTP with three users and an admin, authorization enabled:
 * a non-member cannot claim or complete the approval task, the submitter cannot approve their
 * own version (four-eyes), evidence is read-only, and a member's approval is recorded with their
 * identity in history and the audit. Admins reassign; the authorization table guards deploys.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, ManualClock } from '../../src/index.js';
import { createServerApp } from '../../src/http/app.js';
import { installModelLifecycle, mlcRouter } from '../../src/mlc/index.js';
import { identityOf } from '../../src/identity/identity-service.js';
import { parseAuthorizationTable } from '../../src/identity/authorizations.js';
import { basic, instanceEnd, quarter, taskOf, trainOnnx, USERS, type Env } from '../mlc/helpers.js';

const ROOT = `Basic ${Buffer.from('root:root-secret').toString('base64')}`;
const BOB = `Basic ${Buffer.from('bob:bob-secret-1').toString('base64')}`;
const model = trainOnnx(quarter('Q1'));
let env: Env;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mlc-identity-'));
  const clock = new ManualClock(Date.parse('2024-04-02T05:00:00Z'));
  const engine = await Engine.open({ database: ':memory:', clock, retryBackoff: { initial: 5, max: 20 }, defaultRetries: 1 });
  const lc = await installModelLifecycle(engine, { dataDir, seedDemo: true, fourEyes: { 'credit-risk': false } });
  const app = createServerApp(engine, {
    requestLogs: false, cockpit: false, mlc: mlcRouter(lc),
    auth: {
      mode: 'basic', users: { root: 'root-secret', alice: USERS.alice, carol: USERS.carol },
      authorization: { enabled: true, table: parseAuthorizationTable({ deploy: ['deployers'] }) },
    },
  });
  // what `mlc group add camunda-admin` and `mlc group member camunda-admin root` do before a server starts
  identityOf(engine).createGroup({ id: 'camunda-admin' });
  identityOf(engine).addMember('camunda-admin', 'root');
  env = {
    engine, lc, dataDir, clock, app,
    http: request.agent(app).auth('alice', USERS.alice),
    async close() {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // the admin sets up the approvers over the identity REST API; bob is a stored user (scrypt password)
  await env.http.post('/engine-rest/group/create').set('authorization', ROOT).send({ id: 'fraud-risk-officers', name: 'Fraud risk officers', type: 'WORKFLOW' }).expect(204);
  await env.http.post('/engine-rest/user/create').set('authorization', ROOT).send({ profile: { id: 'bob', firstName: 'Bob' }, credentials: { password: 'bob-secret-1' } }).expect(204);
  await env.http.put('/engine-rest/group/fraud-risk-officers/members/bob').set('authorization', ROOT).expect(204);
  await env.http.put('/engine-rest/group/fraud-risk-officers/members/alice').set('authorization', ROOT).expect(204);
});
afterAll(() => env.close());

async function submitAs(user: 'alice' | 'carol', id: string, metadata: Record<string, unknown> = {}, type = 'fraud') {
  await env.http.post('/mlc/models').set('authorization', basic(user)).send({
    id, name: `Model ${id}`, type, ownerGroup: 'data-science',
    metadata: { approvalGroup: 'fraud-risk-officers', runtimeTags: ['fraud'], deployStage: 'PROD', testData: 'datasets/credit-card-q2.csv', ...metadata },
  }).expect(201);
  await env.http.post(`/mlc/models/${id}/versions`).set('authorization', basic(user)).attach('model', Buffer.from(model.bytes), 'model.onnx').expect(201);
  const res = await env.http.post(`/mlc/models/${id}/versions/1/submit`).set('authorization', basic(user)).send({}).expect(201);
  return res.body.processInstanceId as string;
}

const complete = (taskId: string, authorization: string, variables: Record<string, { value: unknown; type: string }>) =>
  env.http.post(`/engine-rest/task/${taskId}/complete`).set('authorization', authorization).send({ variables });

describe('approval authorization and four-eyes', () => {
  it('refuses the non-member and the submitter (403), keeps evidence read-only, and records the member as approver', async () => {
    const instanceId = await submitAs('alice', 'fraud-4e');
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    expect(approval.candidateGroups).toEqual(['fraud-risk-officers']);
    const yes = { approved: { value: true, type: 'Boolean' }, comment: { value: 'second pair of eyes', type: 'String' } };

    // carol is in no candidate group: neither claim nor complete, over the Camunda REST API or /mlc
    const carolClaims = await env.http.post(`/engine-rest/task/${approval.id}/claim`).set('authorization', basic('carol')).send({ userId: 'carol' });
    expect(carolClaims.status).toBe(403);
    expect(carolClaims.body).toMatchObject({ type: 'AuthorizationException', userId: 'carol', missingAuthorizations: [{ permissionName: 'TASK_WORK', resourceName: 'Task', resourceId: approval.id }] });
    const carolCompletes = await complete(approval.id, basic('carol'), yes);
    expect(carolCompletes.status).toBe(403);
    expect(carolCompletes.body.message).toBe(`The user with id 'carol' does not have 'TASK_WORK' permission on resource '${approval.id}' of type 'Task'. Only a candidate user or a member of a candidate group may complete it.`);
    expect((await env.http.post(`/mlc/tasks/${approval.id}/complete`).set('authorization', basic('carol')).send({ variables: { approved: true } })).status).toBe(403);

    // alice is a member but submitted the version
    const aliceApproves = await complete(approval.id, basic('alice'), yes);
    expect(aliceApproves.status).toBe(403);
    expect(aliceApproves.body).toMatchObject({ type: 'AuthorizationException', userId: 'alice', message: expect.stringMatching(/Four-eyes: the user who submitted a model version cannot approve it/) });

    // a client may not claim someone else's identity for the task either
    expect((await env.http.post(`/engine-rest/task/${approval.id}/claim`).set('authorization', BOB).send({ userId: 'alice' })).status).toBe(403);

    // evidence is read-only: bob cannot approve a different version than the one he was shown
    const tampered = await complete(approval.id, BOB, { ...yes, modelVersion: { value: 2, type: 'Integer' } });
    expect(tampered.status).toBe(400);
    expect(tampered.body.message).toMatch(/'modelVersion' is evidence of the approval and read-only; only approved and comment are inputs/);
    // nor change it beforehand through the variable routes: non-admins may not touch instance variables,
    // and while the approval is open its evidence is frozen even for an admin
    const setInstanceVariable = (authorization: string) => env.http.put(`/engine-rest/process-instance/${instanceId}/variables/modelVersion`)
      .set('authorization', authorization).send({ value: 2, type: 'Integer' });
    const carolSets = await setInstanceVariable(basic('carol'));
    expect(carolSets.status).toBe(403);
    expect(carolSets.body.message).toBe(`The user with id 'carol' does not have 'UPDATE_VARIABLE' permission on resource '${instanceId}' of type 'ProcessInstance'.`);
    const rootSets = await setInstanceVariable(ROOT);
    expect(rootSets.status).toBe(400);
    expect(rootSets.body.message).toMatch(/'modelVersion' .* is evidence of the open approval task .* and read-only/);
    expect((await env.http.put(`/engine-rest/task/${approval.id}/variables/auc`).set('authorization', BOB).send({ value: 0.99, type: 'Double' })).status).toBe(400);
    expect((await env.http.put(`/engine-rest/task/${approval.id}/variables/comment`).set('authorization', basic('carol')).send({ value: 'x', type: 'String' })).status).toBe(403);
    expect((await env.http.put(`/engine-rest/task/${approval.id}/variables/comment`).set('authorization', BOB).send({ value: 'draft', type: 'String' })).status).toBe(204);

    // sending evidence back unchanged is fine (forms do), only the decision counts
    expect((await complete(approval.id, BOB, { ...yes, modelId: { value: 'fraud-4e', type: 'String' } })).status).toBe(204);

    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');
    const audit = (await env.http.get('/mlc/models/fraud-4e/versions/1/audit').expect(200)).body;
    expect(audit.approval).toMatchObject({ approvedBy: 'bob', instanceId });
    expect(audit.decisions).toEqual([expect.objectContaining({ actor: 'bob', taskName: 'Approve model version', variables: { approved: true, comment: 'second pair of eyes', modelId: 'fraud-4e' } })]);
    expect(audit.statusHistory).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'submitted', actor: 'alice' })]));
    expect(env.engine.queries.historyOf(instanceId).filter((r) => r.kind === 'taskCompleted').map((r) => r.actor)).toEqual(['bob']);
  });

  it('four-eyes can be turned off per model type or per model; then the submitting member may approve', async () => {
    const solo = await taskOf(env, await submitAs('alice', 'fraud-solo', { fourEyes: false }), 'Task_Approve');
    expect((await complete(solo.id, basic('alice'), { approved: { value: false, type: 'Boolean' } })).status).toBe(204);
    const credit = await taskOf(env, await submitAs('alice', 'credit-solo', {}, 'credit-risk'), 'Task_Approve');
    expect((await complete(credit.id, basic('alice'), { approved: { value: false, type: 'Boolean' } })).status).toBe(204);
    // the type's setting yields to the model's own
    const strict = await taskOf(env, await submitAs('alice', 'credit-strict', { fourEyes: true }, 'credit-risk'), 'Task_Approve');
    expect((await complete(strict.id, basic('alice'), { approved: { value: false, type: 'Boolean' } })).status).toBe(403);
  });

  it('the user who uploaded the version counts as its submitter too', async () => {
    await env.http.post('/mlc/models').set('authorization', BOB).send({
      id: 'fraud-upload', name: 'Model fraud-upload', type: 'fraud',
      metadata: { approvalGroup: 'fraud-risk-officers', runtimeTags: ['fraud'], testData: 'datasets/credit-card-q2.csv' },
    }).expect(201);
    await env.http.post('/mlc/models/fraud-upload/versions').set('authorization', BOB).attach('model', Buffer.from(model.bytes), 'model.onnx').expect(201);
    const instanceId = (await env.http.post('/mlc/models/fraud-upload/versions/1/submit').set('authorization', basic('alice')).send({}).expect(201)).body.processInstanceId;
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    const no = { approved: { value: false, type: 'Boolean' } };
    expect((await complete(approval.id, BOB, no)).body.message).toMatch(/Four-eyes/);
    expect((await complete(approval.id, basic('alice'), no)).status).toBe(403);
    expect((await complete(approval.id, ROOT, no)).status).toBe(204); // an admin who did neither
  });

  it('setting the status to approved by hand is an approval too: approval group, four-eyes and the approve authorization apply', async () => {
    const instanceId = await submitAs('alice', 'fraud-manual');
    await taskOf(env, instanceId, 'Task_Approve'); // tested by now
    const byAlice = await env.http.post('/mlc/models/fraud-manual/versions/1/status').set('authorization', basic('alice')).send({ status: 'approved' });
    expect(byAlice.status).toBe(403);
    expect(byAlice.body).toEqual({ type: 'AuthorizationException', message: expect.stringMatching(/^The user with id 'alice' does not have 'APPROVE' permission on resource 'fraud-manual:v1' of type 'Model'\. Four-eyes/) });
    const byCarol = await env.http.post('/mlc/models/fraud-manual/versions/1/status').set('authorization', basic('carol')).send({ status: 'approved' });
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.message).toMatch(/Only members of the approval group 'fraud-risk-officers' may approve it\.$/);
    const byBob = await env.http.post('/mlc/models/fraud-manual/versions/1/status').set('authorization', BOB).send({ status: 'approved' });
    expect(byBob.status).toBe(200);
    expect(byBob.body.status).toBe('approved');
  });

  it('only an admin reassigns; the assignee alone may then complete', async () => {
    const instanceId = await submitAs('carol', 'fraud-assign');
    const approval = await taskOf(env, instanceId, 'Task_Approve');
    expect((await env.http.post(`/engine-rest/task/${approval.id}/assignee`).set('authorization', basic('carol')).send({ userId: 'carol' })).status).toBe(403);
    expect((await env.http.post(`/engine-rest/task/${approval.id}/assignee`).set('authorization', ROOT).send({ userId: 'bob' })).status).toBe(204);
    // alice is a candidate, but the task is now bob's
    const aliceCompletes = await complete(approval.id, basic('alice'), { approved: { value: true, type: 'Boolean' } });
    expect(aliceCompletes.status).toBe(403);
    expect(aliceCompletes.body.message).toMatch(/It is assigned to another user\.$/);
    expect((await env.http.post(`/engine-rest/task/${approval.id}/unclaim`).set('authorization', basic('alice')).send({})).status).toBe(403);
    expect((await env.http.post(`/engine-rest/task/${approval.id}/unclaim`).set('authorization', BOB).send({})).status).toBe(204);
    expect((await env.http.post(`/engine-rest/task/${approval.id}/claim`).set('authorization', basic('alice')).send({ userId: 'alice' })).status).toBe(204);
    expect((await complete(approval.id, basic('alice'), { approved: { value: false, type: 'Boolean' } })).status).toBe(204);
  });
});

describe('the authorization table', () => {
  it('deploy needs the deployers group (or admin); membership granted over REST takes effect at once', async () => {
    const form = () => {
      const f = new FormData();
      f.append('deployment-name', 'x');
      f.append('p.bpmn', new Blob(['<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>'], { type: 'text/xml' }), 'p.bpmn');
      return f;
    };
    const deployAs = (authorization: string) => fetchApp('/engine-rest/deployment/create', { method: 'POST', body: form(), headers: { authorization } });
    const refused = await deployAs(basic('carol'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ type: 'AuthorizationException', message: "The user with id 'carol' does not have 'CREATE' permission of type 'Deployment'." });
    expect((await deployAs(ROOT)).status).toBe(200);
    await env.http.post('/engine-rest/group/create').set('authorization', ROOT).send({ id: 'deployers' }).expect(204);
    await env.http.put('/engine-rest/group/deployers/members/carol').set('authorization', ROOT).expect(204);
    expect((await deployAs(basic('carol'))).status).toBe(200);
  });
});

/** fetch against the app on an ephemeral port (multipart bodies as a real client sends them). */
async function fetchApp(path: string, init: RequestInit): Promise<Response> {
  const server = env.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as { port: number };
    return await fetch(`http://127.0.0.1:${port}${path}`, init).then(async (r) => new Response(await r.arrayBuffer(), { status: r.status, headers: r.headers }));
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
