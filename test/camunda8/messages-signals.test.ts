import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startC8, type C8TestServer } from './helpers.js';

/** Prepare (a job) → wait for MODEL_APPROVED with correlation key =modelId → end. */
const PREPARE_THEN_WAIT = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="PrepareThenWait" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Prepare"><bpmn:extensionElements><zeebe:taskDefinition type="c8-prepare" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="Approved"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="E"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Prepare" />
    <bpmn:sequenceFlow id="f2" sourceRef="Prepare" targetRef="Approved" />
    <bpmn:sequenceFlow id="f3" sourceRef="Approved" targetRef="E" />
  </bpmn:process>
  <bpmn:message id="M" name="MODEL_APPROVED"><bpmn:extensionElements><zeebe:subscription correlationKey="=modelId" /></bpmn:extensionElements></bpmn:message>
</bpmn:definitions>`;

describe('/v2 messages and signals with @camunda8/sdk', () => {
  let t: C8TestServer;

  beforeAll(async () => {
    t = await startC8();
    await t.rest.deployResources([
      { name: 'prepare-then-wait.bpmn', content: PREPARE_THEN_WAIT },
      { name: 'message-catch.c8.bpmn', content: fixture('message-catch.c8.bpmn').toString() },
      { name: 'signal-catch.c8.bpmn', content: fixture('signal-catch.c8.bpmn').toString() },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  const stateOf = async (key: string) => ((await (await fetch(`${t.url}/v2/process-instances/${key}`)).json()) as { state: string }).state;
  const finishPrepare = async () => {
    const jobs = await t.rest.activateJobs({ type: 'c8-prepare', worker: 'w', timeout: 30_000, maxJobsToActivate: 10, requestTimeout: 5_000 });
    for (const job of jobs) await job.complete({});
    return jobs.length;
  };

  it('a message published before the instance reaches its catch event is buffered for its TTL and correlates then', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'PrepareThenWait', variables: { modelId: 'churn-7' } });
    const published = await t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'churn-7', timeToLive: 60_000, variables: { approvedBy: 'ana' }, messageId: 'approval-churn-7' });
    expect(published.messageKey).toMatch(/^[0-9]+$/);
    expect(published.tenantId).toBe('<default>');
    // the same messageId again while it is buffered: refused, as Zeebe does
    await expect(t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'churn-7', timeToLive: 60_000, variables: {}, messageId: 'approval-churn-7' })).rejects.toThrow(/409|already/);
    expect(await finishPrepare()).toBe(1);
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
    const vars = await (await fetch(`${t.base}/history/variable-instance?variableName=approvedBy`)).json() as Array<{ value: unknown }>;
    expect(vars.map((v) => v.value)).toEqual(['ana']);
  });

  it('a message without time to live that finds no subscription is gone; another correlation key does not match', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'PrepareThenWait', variables: { modelId: 'churn-8' } });
    await t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'churn-8', timeToLive: 0, variables: {} });
    await t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'other-model', timeToLive: 60_000, variables: {} });
    expect(await finishPrepare()).toBe(1);
    await t.engine.whenIdle();
    expect(await stateOf(started.processInstanceKey)).toBe('ACTIVE');
    // a message published now correlates at once
    await t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'churn-8', variables: {} });
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
  });

  it('a buffered message whose time to live has passed is not delivered', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'PrepareThenWait', variables: { modelId: 'churn-9' } });
    await t.rest.publishMessage({ name: 'MODEL_APPROVED', correlationKey: 'churn-9', timeToLive: 50, variables: {} });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await finishPrepare()).toBe(1);
    await t.engine.whenIdle();
    expect(await stateOf(started.processInstanceKey)).toBe('ACTIVE');
  });

  it('correlation answers the instance it reached, and 404 when nothing waits', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'MessageCatchC8', variables: { modelId: 'fraud-1' } });
    const correlated = await t.rest.correlateMessage({ name: 'MODEL_APPROVED', correlationKey: 'fraud-1', variables: { ok: true } });
    expect(correlated.processInstanceKey).toBe(started.processInstanceKey);
    expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED');
    const none = await fetch(`${t.url}/v2/messages/correlation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'MODEL_APPROVED', correlationKey: 'nobody' }) });
    expect(none.status).toBe(404);
  });

  it('a broadcast signal reaches waiting signal events', async () => {
    const started = await t.rest.createProcessInstance({ processDefinitionId: 'SignalCatchC8', variables: {} });
    const drift = await t.rest.broadcastSignal({ signalName: 'MODEL_DATA_DRIFT', variables: {} });
    expect(drift.signalKey).toMatch(/^[0-9]+$/);
    expect(await stateOf(started.processInstanceKey)).toBe('ACTIVE');
    await t.rest.broadcastSignal({ signalName: 'STOP_MONITORING', variables: {} });
    await eventually(async () => expect(await stateOf(started.processInstanceKey)).toBe('COMPLETED'));
  });
});
