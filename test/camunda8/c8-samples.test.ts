/**
 * The Camunda 8 flavour of the lifecycle processes (processes/c8/): deployed over /v2 with the real
 * @camunda8/sdk as the Modeler deploys them, and OnModelChangedC8 run end to end by the same
 * built-in handlers as the Camunda 7 one, its native approval task completed through /v2.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Camunda8 } from '@camunda8/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledProcessesDir } from '../../src/mlc/index.js';
import { formatCsv } from '../../src/mlc/ml/index.js';
import { Engine } from '../../src/index.js';
import { deployProcessFolder } from '../../src/server.js';
import { advance, basic, instanceEnd, quarter, setup, taskOf, trainOnnx, USERS, type Env } from '../mlc/helpers.js';
import { eventually } from './helpers.js';

const C8_DIR = join(bundledProcessesDir(), 'c8');
let env: Env;
let server: Server;
let url: string;
let rest: ReturnType<Camunda8['getCamundaRestClient']>;
const model = trainOnnx(quarter('Q1'));

beforeAll(async () => {
  // the lifecycle's handlers, without the Camunda 7 processes: the Camunda 8 ones come over /v2
  // about the C8 processes, not who may approve (test/identity covers that): authorization off
  env = await setup({ lifecycle: { deployProcesses: false }, authorization: false });
  server = await new Promise<Server>((resolve) => {
    const s = env.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of Object.keys(process.env)) if (/^(CAMUNDA|ZEEBE)_/.test(name)) delete process.env[name];
  const c8 = new Camunda8({
    ZEEBE_REST_ADDRESS: url,
    CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: 'alice', CAMUNDA_BASIC_AUTH_PASSWORD: USERS.alice,
  });
  rest = c8.getCamundaRestClient();
});
afterAll(async () => {
  env.app.closeRest();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await env.close();
});

const v2 = (path: string) => fetch(`${url}/v2${path}`, { headers: { authorization: basic('alice') } });

describe('processes/c8 over /v2 with @camunda8/sdk', () => {
  it('deploys the three processes, both decisions and the approval form in one deployment', async () => {
    const files = readdirSync(C8_DIR).sort().map((f) => join(C8_DIR, f));
    expect(files.map((f) => f.slice(C8_DIR.length + 1))).toEqual([
      'approval-routing.dmn', 'approve-model-version.form', 'backtest-verdict.dmn', 'daily-backtesting.bpmn', 'on-model-changed.bpmn', 'retrain-on-drift.bpmn', 'review-lifecycle-task.form',
    ]);
    const deployed = await rest.deployResourcesFromFiles(files);
    expect(deployed.processes.map((p) => p.processDefinitionId).sort()).toEqual(['DailyBacktestingC8', 'OnModelChangedC8', 'RetrainOnDriftC8']);
    expect(deployed.decisions.map((d) => d.decisionDefinitionId).sort()).toEqual(['approvalRouting', 'backtestVerdict']);
    expect(deployed.forms.map((f) => f.formId).sort()).toEqual(['approve-model-version', 'review-lifecycle-task']);
    // the Camunda 7 flavour is not deployed: the ids differ, so both can live on one engine
    expect(env.engine.queries.definitions({ latestVersion: true, maxResults: 100 }).map((d) => d.key).sort()).toEqual(['DailyBacktestingC8', 'OnModelChangedC8', 'RetrainOnDriftC8']);
  });

  it('runs OnModelChangedC8: test → describe → approvalRouting → native approval task with its form → deploy', async () => {
    await env.http.post('/mlc/models').send({
      id: 'fraud-c8', name: 'Model fraud-c8', type: 'fraud', ownerGroup: 'data-science',
      metadata: { approvalGroup: 'fraud-risk-officers', runtimeTags: ['fraud'], deployStage: 'PROD', testData: 'datasets/credit-card-q2.csv' },
    }).expect(201);
    await env.http.post('/mlc/models/fraud-c8/versions').set('authorization', basic('carol')).attach('model', Buffer.from(model.bytes), 'model.onnx')
      .field('trainingData', 'datasets/credit-card-q1.csv').expect(201);
    // the variables `submit` starts the Camunda 7 process with
    const variables = env.lc.submitVariables(env.lc.registry.model('fraud-c8'), 1);
    const started = await rest.createProcessInstance({ processDefinitionId: 'OnModelChangedC8', variables });

    const task = await eventually(async () => {
      const found = await rest.searchUserTasks({ filter: { processInstanceKey: started.processInstanceKey, elementId: 'Task_Approve' } as never });
      if (found.items.length !== 1) throw new Error('approval task not open yet');
      return found.items[0]!;
    }, 20_000);
    expect(task).toMatchObject({ name: 'Approve model version', candidateGroups: ['fraud-risk-officers'], processDefinitionId: 'OnModelChangedC8', externalFormReference: null });
    expect(task.formKey).toMatch(/^\d+$/);

    const formResponse = await v2(`/user-tasks/${task.userTaskKey}/form`);
    expect(formResponse.status).toBe(200);
    const form = (await formResponse.json()) as { formKey: string; formId: string; tenantId: string; schema: string };
    expect(form).toMatchObject({ formKey: task.formKey, formId: 'approve-model-version', tenantId: '<default>' });
    expect(JSON.parse(form.schema).components.map((c: { key?: string }) => c.key).filter(Boolean)).toEqual(['approved', 'comment']);

    const shown = await rest.searchVariables({ filter: { processInstanceKey: started.processInstanceKey } });
    const byName = Object.fromEntries(shown.items.map((v) => [v.name, JSON.parse(v.value)]));
    expect(byName).toMatchObject({ testPassed: true, approvalGroup: 'fraud-risk-officers', changeSummary: 'first deployment of fraud-c8 (v1)' });

    // the approval guard of the Camunda 7 process holds here too: evidence is read-only
    await expect(rest.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true, testPassed: false } })).rejects.toThrow(/400|read-only/);
    await rest.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true, comment: 'figures look right' } });

    const instanceId = env.engine.queries.instances({ processDefinitionKey: 'OnModelChangedC8', maxResults: 10 })[0]!.id;
    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');
    const version = (await env.http.get('/mlc/models/fraud-c8/versions/1').expect(200)).body;
    expect(version.status).toBe('deployed');
    const runtime = (await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body;
    expect(runtime.deployment).toMatchObject({ modelId: 'fraud-c8', version: 1, stage: 'PROD', instanceId });
    const state = (await (await v2(`/process-instances/${started.processInstanceKey}`)).json()) as { state: string };
    expect(state.state).toBe('COMPLETED');
  });

  it('runs DailyBacktestingC8 from its "Run now" start: the deployed version on yesterday\'s data, backtestVerdict says ok', async () => {
    // the engine clock is 2 April 05:00: yesterday's labelled data is labelled/2024-04-01.csv, here like Q2
    mkdirSync(join(env.dataDir, 'labelled'), { recursive: true });
    writeFileSync(join(env.dataDir, 'labelled', '2024-04-01.csv'), formatCsv(quarter('Q2')));
    const started = await rest.createProcessInstance({
      processDefinitionId: 'DailyBacktestingC8', variables: { modelId: 'fraud-c8' }, startInstructions: [{ elementId: 'Start_Manual' }],
    } as never);
    const instanceId = env.engine.queries.instances({ processDefinitionKey: 'DailyBacktestingC8', maxResults: 10, state: 'any' })[0]!.id;
    expect(await instanceEnd(env, instanceId)).toBe('End_Healthy');
    const shown = await env.http.get(`/engine-rest/history/variable-instance?processInstanceId=${instanceId}`).set('authorization', basic('alice')).expect(200);
    const byName = Object.fromEntries((shown.body as { name: string; value: unknown }[]).map((v) => [v.name, v.value]));
    expect(byName).toMatchObject({ modelId: 'fraud-c8', verdict: 'ok', testPassed: true, testData: 'labelled/2024-04-01.csv' });
    expect(((await (await v2(`/process-instances/${started.processInstanceKey}`)).json()) as { state: string }).state).toBe('COMPLETED');
  });

  it('a MODEL_DATA_DRIFT signal broadcast over /v2 starts RetrainOnDriftC8: challenger trained, compared, approved in its form, deployed', async () => {
    await rest.broadcastSignal({ signalName: 'MODEL_DATA_DRIFT', variables: { MODEL_ID: 'fraud-c8', trainingPollInterval: 'PT2S', recentData: 'datasets/credit-card-q3.csv', compareData: 'datasets/credit-card-q4.csv' } });
    const instanceId = env.engine.queries.instances({ processDefinitionKey: 'RetrainOnDriftC8', maxResults: 10 })[0]!.id;
    const approval = await taskOf(env, instanceId, 'Task_Approve', advance(env, 2000));
    expect(approval.variables).toMatchObject({ challengerWins: true, championVersion: 1, challengerVersion: 2, modelVersion: 2 });
    const task = (await rest.searchUserTasks({ filter: { elementId: 'Task_Approve', processDefinitionId: 'RetrainOnDriftC8' } as never })).items[0]!;
    expect(((await (await v2(`/user-tasks/${task.userTaskKey}/form`)).json()) as { formId: string }).formId).toBe('approve-model-version');
    await rest.completeUserTask({ userTaskKey: task.userTaskKey, variables: { approved: true, comment: 'recovers Q4' } });
    expect(await instanceEnd(env, instanceId)).toBe('End_Deployed');
    expect((await env.http.get('/mlc/runtimes/prod-scoring').expect(200)).body.deployment).toMatchObject({ modelId: 'fraud-c8', version: 2 });
  });

  it('a failed test ends in the native review task with its own form; GET …/form answers 204 without a linked form, 404 for no task', async () => {
    const variables = { ...env.lc.submitVariables(env.lc.registry.model('fraud-c8'), 1), testData: 'datasets/missing.csv' };
    const started = await rest.createProcessInstance({ processDefinitionId: 'OnModelChangedC8', variables });
    const review = await eventually(async () => {
      const found = await rest.searchUserTasks({ filter: { processInstanceKey: started.processInstanceKey } });
      if (found.items.length !== 1) throw new Error('review task not open yet');
      return found.items[0]!;
    }, 20_000);
    expect(review).toMatchObject({ elementId: 'Task_ReviewTest', candidateGroups: ['data-science'] });
    const form = (await (await v2(`/user-tasks/${review.userTaskKey}/form`)).json()) as { formKey: string; formId: string };
    expect(form).toMatchObject({ formKey: review.formKey, formId: 'review-lifecycle-task' });
    expect((await v2('/user-tasks/123456789/form')).status).toBe(404);
    await rest.completeUserTask({ userTaskKey: review.userTaskKey, variables: { comment: 'dataset restored' } });
    const state = (await (await v2(`/process-instances/${started.processInstanceKey}`)).json()) as { state: string };
    expect(state.state).toBe('COMPLETED');
  });

  it('GET /user-tasks/{key}/form answers 204 for a native user task that links no form', async () => {
    const bpmn = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="NoFormC8" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Check"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="never-deployed" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="E"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Check" />
    <bpmn:sequenceFlow id="f2" sourceRef="Check" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>`;
    await rest.deployResources([{ name: 'no-form.bpmn', content: bpmn }]);
    const started = await rest.createProcessInstance({ processDefinitionId: 'NoFormC8', variables: {} });
    const task = (await rest.searchUserTasks({ filter: { processInstanceKey: started.processInstanceKey } })).items[0]!;
    // the reference stays visible as text when no deployed form carries that id
    expect(task).toMatchObject({ formKey: null, externalFormReference: 'never-deployed' });
    expect((await v2(`/user-tasks/${task.userTaskKey}/form`)).status).toBe(204);
  });

  it('`mlc serve --processes processes/c8` deploys the same folder, forms included', async () => {
    const engine = await Engine.open({ database: ':memory:' });
    try {
      const result = await deployProcessFolder(engine, C8_DIR);
      expect(result?.definitions?.map((d) => d.key).sort()).toEqual(['DailyBacktestingC8', 'OnModelChangedC8', 'RetrainOnDriftC8']);
      const names = engine.core.repository.resourcesOf(result!.deployment.id).map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['approve-model-version.form', 'review-lifecycle-task.form', 'approval-routing.dmn']));
    } finally {
      await engine.close();
    }
  });
});
