import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startC8, type C8TestServer } from './helpers.js';

const HEADERED = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Headered" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Train">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="c8-train" retries="3" />
        <zeebe:taskHeaders><zeebe:header key="model" value="churn" /><zeebe:header key="stage" value="train" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="E"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Train" />
    <bpmn:sequenceFlow id="f2" sourceRef="Train" targetRef="E" />
  </bpmn:process>
</bpmn:definitions>`;

/** The SDK's REST job worker, unchanged, completing, failing and throwing BPMN errors. */
describe('/v2 jobs with the @camunda8/sdk REST job worker', () => {
  let t: C8TestServer;
  const seen: Array<{ retries: number; headers: unknown; mode: unknown }> = [];

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'headered.bpmn', content: HEADERED },
      { name: 'error-boundary.c8.bpmn', content: fixture('error-boundary.c8.bpmn').toString() },
    ]);
    t.rest.createJobWorker({
      type: 'c8-train', worker: 'trainer', timeout: 30_000, maxJobsToActivate: 5, pollIntervalMs: 50,
      jobHandler: (job) => {
        const variables = job.variables as { mode?: string };
        seen.push({ retries: job.retries, headers: { ...job.customHeaders }, mode: variables.mode });
        if (variables.mode === 'fail-once' && job.retries === 3) return job.fail({ errorMessage: 'GPU busy', retries: 2, retryBackOff: 0 });
        if (variables.mode === 'fail-hard') return job.fail({ errorMessage: 'model file missing', retries: 0 });
        return job.complete({ result: 42 });
      },
    });
    t.rest.createJobWorker({
      type: 'risky', worker: 'risk-checker', timeout: 30_000, maxJobsToActivate: 5, pollIntervalMs: 50,
      jobHandler: (job) => job.error({ errorCode: 'RISK_ERROR', errorMessage: 'risk too high', variables: { riskScore: 0.97 } }),
    });
  });
  afterAll(async () => {
    t.rest.stopWorkers();
    await t.close();
  });

  it('completes a job; its custom headers reach the worker', async () => {
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'Headered', variables: { mode: 'ok' }, requestTimeout: 20_000, fetchVariables: ['result'] });
    expect(result.variables).toEqual({ result: 42 });
    expect(seen.find((s) => s.mode === 'ok')?.headers).toEqual({ model: 'churn', stage: 'train' });
  });

  it('a failure with retries left is retried; the retry completes', async () => {
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'Headered', variables: { mode: 'fail-once' }, requestTimeout: 20_000 });
    expect(result.variables).toMatchObject({ result: 42 });
    expect(seen.filter((s) => s.mode === 'fail-once').map((s) => s.retries)).toEqual([3, 2]);
  });

  it('a failure with no retries left raises an incident carrying the error message', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'Headered', variables: { mode: 'fail-hard' } });
    const instance = await eventually(async () => {
      const got = await (await fetch(`${t.url}/v2/process-instances/${started.processInstanceKey}`)).json() as { hasIncident: boolean; state: string };
      if (!got.hasIncident) throw new Error('no incident yet');
      return got;
    });
    expect(instance.state).toBe('ACTIVE');
    const c7 = await (await fetch(`${t.base}/incident`)).json() as Array<{ incidentMessage: string }>;
    expect(c7.map((i) => i.incidentMessage)).toContain('model file missing');
  });

  it('a BPMN error with variables is caught by the boundary event', async () => {
    const result = await t.rest.createProcessInstanceWithResult({ processDefinitionId: 'ErrorBoundaryC8', variables: {}, requestTimeout: 20_000, fetchVariables: ['riskScore'] });
    expect(result.variables).toEqual({ riskScore: 0.97 });
  });

  it('activation answers jobs with keys and a deadline; timeout and retries can be updated', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'Headered', variables: { mode: 'manual' } });
    // a job type no worker polls: activate it by hand
    await t.rest.deployResources([{ name: 'manual.bpmn', content: HEADERED.replace('c8-train', 'c8-manual').replace('id="Headered"', 'id="Manual"') }]);
    const manual = await t.rest.createProcessInstance({ processDefinitionId: 'Manual', variables: { x: 1 } });
    const jobs = await t.rest.activateJobs({ type: 'c8-manual', worker: 'hand', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: 2_000 });
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.processInstanceKey).toBe(manual.processInstanceKey);
    expect(job.jobKey).toMatch(/^[0-9]+$/);
    expect(job.elementId).toBe('Train');
    expect(Number(job.deadline)).toBeGreaterThan(Date.now());
    await t.rest.updateJob({ jobKey: job.jobKey, timeout: 120_000, retries: 5 });
    const again = await t.rest.activateJobs({ type: 'c8-manual', worker: 'other', timeout: 1000, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(again).toHaveLength(0);
    await job.complete({ done: true });
    await eventually(async () => {
      const got = await (await fetch(`${t.url}/v2/process-instances/${manual.processInstanceKey}`)).json() as { state: string };
      expect(got.state).toBe('COMPLETED');
    });
    expect(started.processInstanceKey).toMatch(/^[0-9]+$/);
    const gone = await fetch(`${t.url}/v2/jobs/${job.jobKey}/completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(gone.status).toBe(409);
  });
});
