import { afterEach, describe, expect, it } from 'vitest';
import { advance, active, completed, DAY, engineWith, flavours, HOUR, instancesOf, jobs, pid, state, subscriptions, task, tasks, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe.each(flavours)('signals (%s)', (flavour) => {
  it('broadcast starts an instance of every listening definition and reaches every waiting catch', async () => {
    t = await engineWith([`signal-start.${flavour}.bpmn`, `signal-catch.${flavour}.bpmn`]);
    const calls: unknown[] = [];
    t.engine.handle('retrain', (job) => void calls.push(job.variables.MODEL_ID));
    const a = await t.engine.start(pid('SignalCatch', flavour));
    const b = await t.engine.start(pid('SignalCatch', flavour));
    await t.engine.broadcastSignal({ name: 'MODEL_DATA_DRIFT', variables: { MODEL_ID: 'fraud' } });
    await t.engine.whenIdle();
    const started = instancesOf(t.engine, pid('SignalStart', flavour));
    expect(started).toHaveLength(1);
    expect(calls).toEqual(['fraud']);
    for (const pi of [a, b]) {
      expect(completed(t.engine, pi.id)).toContain('End_Drift');
      expect(active(t.engine, pi.id)).toEqual(['Task_Monitor']);
    }
    // the interrupting signal boundary on the monitor task
    await t.engine.broadcastSignal({ name: 'STOP_MONITORING' });
    expect([state(t.engine, a.id), state(t.engine, b.id)]).toEqual(['completed', 'completed']);
    expect(completed(t.engine, a.id)).toContain('End_Stopped');
    // a broadcast nobody listens to is fine
    await t.engine.broadcastSignal({ name: 'NOBODY' });
  });
});

describe('signal throw and end events', () => {
  it('reach other instances in the command that threw them (one transaction), each subscriber once', async () => {
    t = await engineWith(['signal-throw.c7.bpmn', 'signal-catch.c7.bpmn', 'signal-start.c7.bpmn']);
    t.engine.handle('retrain', () => undefined);
    const waiting = await t.engine.start('SignalCatchC7');
    const thrower = await t.engine.start('SignalThrowC7');
    expect(state(t.engine, thrower.id)).toBe('completed');
    // both broadcasts were delivered before the start answered: no job is left for them
    expect(jobs(t.engine, null)).toEqual([]);
    expect(state(t.engine, waiting.id)).toBe('completed');
    expect(instancesOf(t.engine, 'SignalStartC7')).toHaveLength(1);
    await t.engine.whenIdle();
    expect(state(t.engine, waiting.id)).toBe('completed');
    expect(completed(t.engine, waiting.id)).toEqual(expect.arrayContaining(['End_Drift', 'End_Stopped']));
    expect(instancesOf(t.engine, 'SignalStartC7')).toHaveLength(1);
    expect(jobs(t.engine, null)).toEqual([]);
  });

  it('a subscription opened after the throw does not receive it', async () => {
    t = await engineWith(['signal-throw.c7.bpmn', 'signal-catch.c7.bpmn']);
    await t.engine.start('SignalThrowC7');
    const late = await t.engine.start('SignalCatchC7'); // subscribes after the broadcast
    await t.engine.whenIdle();
    expect(active(t.engine, late.id).sort()).toEqual(['Catch_Drift', 'Task_Monitor']);
  });
});

describe.each(flavours)('event-based gateway (%s)', (flavour) => {
  const key = pid('EventGateway', flavour);
  const start = () => t!.engine.start(key, { businessKey: 'req-1', variables: { requestId: 'req-1' } });
  const byKey = flavour === 'c8' ? { correlationKeys: { correlationKey: 'req-1' } } : { businessKey: 'req-1' };

  it('arms every branch; the message wins and withdraws the timer and the other subscriptions', async () => {
    t = await engineWith([`event-gateway.${flavour}.bpmn`]);
    const pi = await start();
    expect(active(t.engine, pi.id)).toEqual(['Gateway_Wait']);
    expect(subscriptions(t.engine, pi.id).map((s) => s.element_id).sort()).toEqual(['Catch_Abort', 'Catch_Approved', 'Receive_Rejected']);
    expect(jobs(t.engine, pi.id)).toMatchObject([{ kind: 'timer', element_id: 'Catch_Timeout' }]);
    await t.engine.correlateMessage({ messageName: 'APPROVED', ...byKey });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toEqual(['Start', 'Gateway_Wait', 'Catch_Approved', 'End_Approved']);
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
    expect(jobs(t.engine, pi.id)).toEqual([]);
  });

  it('the timer branch', async () => {
    t = await engineWith([`event-gateway.${flavour}.bpmn`]);
    const pi = await start();
    await advance(t, DAY);
    expect(completed(t.engine, pi.id)).toEqual(['Start', 'Gateway_Wait', 'Catch_Timeout', 'End_Timeout']);
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
  });

  it('the signal branch and the receive-task branch', async () => {
    t = await engineWith([`event-gateway.${flavour}.bpmn`]);
    const a = await start();
    await t.engine.broadcastSignal({ name: 'ABORT_ALL' });
    expect(completed(t.engine, a.id)).toContain('End_Aborted');
    const b = await start();
    await t.engine.correlateMessage({ messageName: 'REJECTED', ...byKey });
    expect(completed(t.engine, b.id)).toEqual(['Start', 'Gateway_Wait', 'Receive_Rejected', 'End_Rejected']);
    expect(jobs(t.engine, b.id)).toEqual([]);
  });
});

describe('escalation and link events', () => {
  it('non-interrupting escalation boundary lets the thrower continue; an escalation end event with an interrupting boundary cancels the sub-process', async () => {
    t = await engineWith(['escalation.c7.bpmn']);
    const pi = await t.engine.start('EscalationC7');
    expect(tasks(t.engine, pi.id).map((x) => x.element_id).sort()).toEqual(['Task_Help', 'Task_Inner', 'Task_Work']);
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Help'));
    expect(completed(t.engine, pi.id)).toContain('End_Helped');
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Work'));
    // CRITICAL escalation end: the boundary interrupts Sub (Task_Inner is cancelled)
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toContain('End_Critical');
    expect(completed(t.engine, pi.id)).not.toContain('End');
    expect(tasks(t.engine, pi.id)).toEqual([]);
  });

  it('a link throw continues at the link catch with the same name', async () => {
    t = await engineWith(['link-events.c7.bpmn']);
    const pi = await t.engine.start('LinkEventsC7');
    expect(active(t.engine, pi.id)).toEqual(['Task_Review']);
    expect(completed(t.engine, pi.id)).toEqual(['Start', 'Throw_Link', 'Catch_Link']);
  });

  it('timers and signals are not affected by HOUR-long idle periods', async () => {
    t = await engineWith(['signal-catch.c7.bpmn']);
    const pi = await t.engine.start('SignalCatchC7');
    await advance(t, HOUR);
    expect(active(t.engine, pi.id).sort()).toEqual(['Catch_Drift', 'Task_Monitor']);
  });
});
