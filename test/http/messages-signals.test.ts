import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { call, deployFixture, eventually, startServer, type TestServer } from './helpers.js';

// correlateMessage / broadcastSignal are added to Engine by the events work; until they exist these tests are skipped.
const hasMessages = typeof (Engine.prototype as unknown as Record<string, unknown>).correlateMessage === 'function';
const hasSignals = typeof (Engine.prototype as unknown as Record<string, unknown>).broadcastSignal === 'function';

describe('messages and signals', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    await deployFixture(t.base, 'message-catch.c7.bpmn');
    await deployFixture(t.base, 'signal-start.c7.bpmn');
  });
  afterAll(() => t.close());

  it('validates the message body before anything else', async () => {
    const res = await call(t.base, 'POST', '/message', { businessKey: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/messageName/);
    expect((await call(t.base, 'POST', '/signal', {})).status).toBe(400);
  });

  it.skipIf(!hasMessages)('correlates a message by business key to a waiting instance', async () => {
    const start = await call(t.base, 'POST', '/process-definition/key/MessageCatchC7/start', { businessKey: 'fraud-v7' });
    const id = start.body.id;
    const res = await call(t.base, 'POST', '/message', {
      messageName: 'MODEL_APPROVED', businessKey: 'fraud-v7', processVariables: { approvedBy: { value: 'alice', type: 'String' } }, resultEnabled: true,
    });
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ resultType: 'Execution' });
    expect(res.body[0].execution.processInstanceId).toBe(id);
    await eventually(async () => (await call(t.base, 'GET', `/history/process-instance/${id}`)).body.state === 'COMPLETED');
    const vars = await call(t.base, 'GET', `/history/variable-instance?processInstanceId=${id}&variableName=approvedBy`);
    expect(vars.body[0]).toMatchObject({ value: 'alice' });
  });

  it.skipIf(!hasMessages)('answers a message nobody waits for with 400 "Cannot correlate message"', async () => {
    const res = await call(t.base, 'POST', '/message', { messageName: 'NOBODY_WAITS', businessKey: 'none' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Cannot correlate message 'NOBODY_WAITS'/);
  });

  it.skipIf(!hasSignals)('a signal starts the process with a signal start event', async () => {
    const res = await call(t.base, 'POST', '/signal', { name: 'MODEL_DATA_DRIFT', variables: { psi: { value: 0.31, type: 'Double' } } });
    expect(res.status).toBe(204);
    const started = await eventually(async () => (await call(t.base, 'GET', '/process-instance?processDefinitionKey=SignalStartC7')).body[0]);
    const vars = await call(t.base, 'GET', `/process-instance/${started.id}/variables`);
    expect(vars.body.psi).toEqual({ type: 'Double', value: 0.31, valueInfo: {} });
  });

  it.skipIf(hasMessages)('without engine support POST /message answers 501 with a clear message', async () => {
    const res = await call(t.base, 'POST', '/message', { messageName: 'MODEL_APPROVED' });
    expect(res.status).toBe(501);
    expect(res.body.message).toMatch(/correlateMessage/);
  });
});
