import { afterEach, describe, expect, it } from 'vitest';
import { MismatchingMessageCorrelationError } from '../../src/runtime/errors.js';
import { active, completed, engineWith, flavours, instancesOf, pid, state, subscriptions, task, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe.each(flavours)('messages (%s)', (flavour) => {
  const c8 = flavour === 'c8';
  /** how a message finds one instance: business key (C7) or the zeebe correlation key (C8) */
  const keyFor = (value: string) => (c8 ? { correlationKeys: { correlationKey: value } } : { businessKey: value });

  it('intermediate message catch: correlates to the waiting instance and sets variables', async () => {
    t = await engineWith([`message-catch.${flavour}.bpmn`]);
    const a = await t.engine.start(pid('MessageCatch', flavour), { businessKey: 'fraud', variables: { modelId: 'fraud' } });
    const b = await t.engine.start(pid('MessageCatch', flavour), { businessKey: 'churn', variables: { modelId: 'churn' } });
    expect(subscriptions(t.engine, a.id)).toMatchObject([{ kind: 'message', name: 'MODEL_APPROVED', element_id: 'Catch_Approved', correlation_key: c8 ? 'fraud' : null }]);
    const result = await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', ...keyFor('fraud'), variables: { approvedBy: 'alice' } });
    expect(result).toEqual([{ resultType: 'Execution', processInstanceId: a.id }]);
    expect(state(t.engine, a.id)).toBe('completed');
    expect(state(t.engine, b.id)).toBe('active');
    expect(subscriptions(t.engine, a.id)).toEqual([]);
    expect(t.engine.db.prepare(`SELECT data FROM history WHERE instance_id = ? AND kind = 'variableSet' AND data LIKE '%approvedBy%'`).all(a.id)).toHaveLength(1);
  });

  it('no match → MismatchingMessageCorrelationException; several → error unless all', async () => {
    t = await engineWith([`message-catch.${flavour}.bpmn`]);
    const a = await t.engine.start(pid('MessageCatch', flavour), { businessKey: 'same', variables: { modelId: 'same' } });
    const b = await t.engine.start(pid('MessageCatch', flavour), { businessKey: 'same', variables: { modelId: 'same' } });
    const none = t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', ...keyFor('other') });
    await expect(none).rejects.toBeInstanceOf(MismatchingMessageCorrelationError);
    await expect(none).rejects.toMatchObject({ type: 'MismatchingMessageCorrelationException', message: expect.stringMatching(/no process definition or execution matches/) });
    await expect(t.engine.correlateMessage({ messageName: 'NOBODY_WAITS' })).rejects.toMatchObject({ type: 'MismatchingMessageCorrelationException' });
    await expect(t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', ...keyFor('same') })).rejects.toMatchObject({
      type: 'MismatchingMessageCorrelationException',
      message: expect.stringMatching(/correlates to 2 executions, use all/),
    });
    const all = await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', ...keyFor('same'), all: true });
    expect(all.map((r) => r.processInstanceId).sort()).toEqual([a.id, b.id].sort());
    expect([state(t.engine, a.id), state(t.engine, b.id)]).toEqual(['completed', 'completed']);
  });

  it('correlates by process instance id and by process variables', async () => {
    t = await engineWith([`message-catch.${flavour}.bpmn`]);
    const a = await t.engine.start(pid('MessageCatch', flavour), { variables: { modelId: 'm1', team: 'risk' } });
    const b = await t.engine.start(pid('MessageCatch', flavour), { variables: { modelId: 'm2', team: 'growth' } });
    if (!c8) {
      await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', correlationKeys: { team: 'growth' } });
      expect(state(t.engine, b.id)).toBe('completed');
      await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', processInstanceId: a.id });
      expect(state(t.engine, a.id)).toBe('completed');
    } else {
      // C8 subscriptions need their correlation key; other keys compare variables on top of it
      await expect(t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', correlationKeys: { team: 'growth' } })).rejects.toMatchObject({ type: 'MismatchingMessageCorrelationException' });
      await expect(t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', correlationKeys: { correlationKey: 'm2', team: 'risk' } })).rejects.toMatchObject({ type: 'MismatchingMessageCorrelationException' });
      await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', correlationKeys: { correlationKey: 'm2', team: 'growth' } });
      expect(state(t.engine, b.id)).toBe('completed');
      await t.engine.correlateMessage({ messageName: 'MODEL_APPROVED', businessKey: 'm1' });
      expect(state(t.engine, a.id)).toBe('completed');
    }
  });

  it('receive task waits for its message', async () => {
    t = await engineWith([`receive-task.${flavour}.bpmn`]);
    const pi = await t.engine.start(pid('ReceiveTask', flavour), { businessKey: 'order-1', variables: { orderId: 'order-1' } });
    expect(active(t.engine, pi.id)).toEqual(['Receive_Payment']);
    await t.engine.correlateMessage({ messageName: 'PAYMENT_RECEIVED', ...keyFor('order-1'), variables: { amount: 12.5 } });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toEqual(['Start', 'Receive_Payment', 'End']);
  });

  it('message boundary: non-interrupting keeps the task (and can fire again), interrupting cancels it', async () => {
    t = await engineWith([`message-boundary.${flavour}.bpmn`]);
    const pi = await t.engine.start(pid('MessageBoundary', flavour), { businessKey: 'o-7', variables: { orderId: 'o-7' } });
    await t.engine.correlateMessage({ messageName: 'UPDATE_ORDER', ...keyFor('o-7') });
    await t.engine.correlateMessage({ messageName: 'UPDATE_ORDER', ...keyFor('o-7') });
    expect(completed(t.engine, pi.id).filter((id) => id === 'End_Updated')).toHaveLength(2);
    expect(active(t.engine, pi.id)).toEqual(['Task_Wait']);
    await t.engine.correlateMessage({ messageName: 'CANCEL_ORDER', ...keyFor('o-7') });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toContain('End_Cancelled');
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
    expect(t.engine.db.prepare('SELECT count(*) AS c FROM tasks WHERE instance_id = ?').get(pi.id)).toEqual({ c: 0 });
  });

  it('message start event starts an instance with the variables and business key', async () => {
    t = await engineWith([`message-start.${flavour}.bpmn`]);
    expect(subscriptions(t.engine, null)).toMatchObject([{ kind: 'message', name: 'MODEL_SUBMITTED', element_id: 'Start_Submitted' }]);
    const [result] = await t.engine.correlateMessage({ messageName: 'MODEL_SUBMITTED', businessKey: 'fraud-v7', variables: { modelId: 'fraud' } });
    expect(result).toMatchObject({ resultType: 'ProcessDefinition', definitionId: t.engine.latestDefinition(pid('MessageStart', flavour)).id });
    const instance = t.engine.instance(result!.processInstanceId);
    expect(instance).toMatchObject({ businessKey: 'fraud-v7', startElementId: 'Start_Submitted', state: 'active' });
    expect(t.engine.variables(instance.id)).toEqual({ modelId: 'fraud' });
    await t.engine.completeTask(task(t.engine, instance.id, 'Task_Review'));
    expect(state(t.engine, instance.id)).toBe('completed');
  });
});

describe('message correlation rules', () => {
  it('a waiting execution wins over a start event for the same message', async () => {
    t = await engineWith(['message-start.c7.bpmn', 'message-catch.c7.bpmn']);
    const xml = (await import('./helpers.js')).fixture('message-catch.c7.bpmn').replaceAll('MODEL_APPROVED', 'MODEL_SUBMITTED').replaceAll('MessageCatchC7', 'MessageCatchSubmittedC7');
    await t.engine.deploy({ name: 'more', resources: [{ name: 'catch-submitted.bpmn', content: xml }] });
    const waiting = await t.engine.start('MessageCatchSubmittedC7');
    const results = await t.engine.correlateMessage({ messageName: 'MODEL_SUBMITTED' });
    expect(results).toEqual([{ resultType: 'Execution', processInstanceId: waiting.id }]);
    expect(instancesOf(t.engine, 'MessageStartC7')).toHaveLength(0);
    // nobody waits any more: now the start event takes it
    const [started] = await t.engine.correlateMessage({ messageName: 'MODEL_SUBMITTED' });
    expect(started!.resultType).toBe('ProcessDefinition');
  });

  it('cancelling an instance closes its subscriptions', async () => {
    t = await engineWith(['message-boundary.c7.bpmn']);
    const pi = await t.engine.start('MessageBoundaryC7', { businessKey: 'x' });
    expect(subscriptions(t.engine, pi.id)).toHaveLength(2);
    await t.engine.cancel(pi.id);
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
    await expect(t.engine.correlateMessage({ messageName: 'CANCEL_ORDER', businessKey: 'x' })).rejects.toMatchObject({ type: 'MismatchingMessageCorrelationException' });
  });

  it('a C8 correlation key that evaluates to null is an incident, not a crash', async () => {
    t = await engineWith(['receive-task.c8.bpmn']);
    const pi = await t.engine.start('ReceiveTaskC8', { variables: { orderId: null } });
    const rows = t.engine.db.prepare('SELECT element_id, message FROM incidents WHERE instance_id = ?').all(pi.id) as Array<{ element_id: string; message: string }>;
    expect(rows).toMatchObject([{ element_id: 'Receive_Payment', message: expect.stringMatching(/correlation key/) }]);
  });
});
