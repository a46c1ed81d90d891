import { afterEach, describe, expect, it } from 'vitest';
import { BpmnError } from '../../src/runtime/errors.js';
import { advance, active, completed, engineWith, flavours, HOUR, jobs, MINUTE, pid, state, subscriptions, task, tasks, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe.each(flavours)('event sub-processes (%s)', (flavour) => {
  const key = pid('EventSubprocess', flavour);
  const byKey = flavour === 'c8' ? { correlationKeys: { correlationKey: 'r-1' } } : { businessKey: 'r-1' };

  it('non-interrupting timer cycle runs beside the main flow, as often as it fires', async () => {
    t = await engineWith([`event-subprocess.${flavour}.bpmn`]);
    const reminders: string[] = [];
    t.engine.handle('remind', (job) => void reminders.push(job.instance.id));
    const pi = await t.engine.start(key, { businessKey: 'r-1', variables: { reviewId: 'r-1' } });
    await advance(t, 3 * HOUR);
    expect(reminders).toEqual([pi.id, pi.id, pi.id]);
    expect(active(t.engine, pi.id)).toEqual(['Task_Wait']);
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Wait'));
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(jobs(t.engine, pi.id)).toEqual([]);
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
  });

  it('interrupting message start cancels the main flow and disarms the other event sub-processes', async () => {
    t = await engineWith([`event-subprocess.${flavour}.bpmn`]);
    t.engine.handle('remind', () => undefined);
    const pi = await t.engine.start(key, { businessKey: 'r-1', variables: { reviewId: 'r-1' } });
    await t.engine.correlateMessage({ messageName: 'CANCEL_REVIEW', ...byKey });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toEqual(expect.arrayContaining(['EventSub_Cancel_Start', 'EventSub_Cancel_End', 'EventSub_Cancel']));
    expect(tasks(t.engine, pi.id)).toEqual([]);
    expect(jobs(t.engine, pi.id)).toEqual([]);
  });
});

describe('event sub-process start types', () => {
  const start = async (failMain = false) => {
    t = await engineWith(['event-subprocess-starts.c7.bpmn']);
    if (failMain) {
      t.engine.handle('main', () => {
        throw new BpmnError('MAIN_FAILED', 'model broke');
      });
    }
    return t.engine.start('EventSubprocessStartsC7', { businessKey: 'k' });
  };

  it('escalation (non-interrupting) starts at once; signal, message and timer starts run beside the main flow', async () => {
    const pi = await start();
    // the escalation thrown on the way in started Esp_Escalation
    expect(active(t!.engine, pi.id).sort()).toEqual(['Esp_Escalation', 'Task_Escalated', 'Task_Main']);
    await t!.engine.broadcastSignal({ name: 'PING' });
    expect(completed(t!.engine, pi.id)).toEqual(expect.arrayContaining(['Esp_Signal_Start', 'Esp_Signal_End', 'Esp_Signal']));
    await t!.engine.correlateMessage({ messageName: 'NUDGE', businessKey: 'k' });
    await t!.engine.correlateMessage({ messageName: 'NUDGE', businessKey: 'k' });
    expect(tasks(t!.engine, pi.id).filter((x) => x.element_id === 'Task_Nudge')).toHaveLength(2);
    await advance(t!, 30 * MINUTE);
    expect(completed(t!.engine, pi.id)).toContain('Esp_Timer_End');
    expect(jobs(t!.engine, pi.id).filter((j) => j.kind === 'timer')).toEqual([]); // a duration fires once
    expect(state(t!.engine, pi.id)).toBe('active');
  });

  it('error start (interrupting) catches a BPMN error from the main flow and sets the code variable', async () => {
    const pi = await start(true);
    await t!.engine.whenIdle();
    expect(active(t!.engine, pi.id).sort()).toEqual(['Esp_Error', 'Task_Recover']);
    expect(tasks(t!.engine, pi.id).map((x) => x.element_id)).toEqual(['Task_Recover']);
    expect(t!.engine.variables(pi.id).failure).toBe('MAIN_FAILED');
    expect(subscriptions(t!.engine, pi.id)).toEqual([]); // the other event sub-processes were disarmed
    await t!.engine.completeTask(task(t!.engine, pi.id, 'Task_Recover'));
    expect(state(t!.engine, pi.id)).toBe('completed');
  });

  it('inside a sub-process: an interrupting timer ends the scope, which completes when the event sub-process does', async () => {
    t = await engineWith(['event-subprocess-scope.c7.bpmn']);
    const pi = await t.engine.start('EventSubprocessScopeC7');
    expect(tasks(t.engine, pi.id).map((x) => x.element_id).sort()).toEqual(['Sub_Other', 'Sub_Task']);
    await advance(t, HOUR);
    expect(tasks(t.engine, pi.id).map((x) => x.element_id)).toEqual(['Task_Late']);
    expect(subscriptions(t.engine, pi.id)).toEqual([]);
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Late'));
    expect(active(t.engine, pi.id)).toEqual(['Task_After']);
  });

  it('a terminate end event inside an event sub-process ends only the enclosing sub-process', async () => {
    t = await engineWith(['event-subprocess-scope.c7.bpmn']);
    const pi = await t.engine.start('EventSubprocessScopeC7');
    await t.engine.broadcastSignal({ name: 'STOP_SUB' }); // non-interrupting: the sub-process tasks stay
    expect(tasks(t.engine, pi.id).map((x) => x.element_id).sort()).toEqual(['Sub_Other', 'Sub_Task', 'Task_Stop']);
    await t.engine.completeTask(task(t.engine, pi.id, 'Task_Stop'));
    // terminate end in Esp_Stop ends Esp_Stop's scope only; Sub keeps its tasks
    expect(tasks(t.engine, pi.id).map((x) => x.element_id).sort()).toEqual(['Sub_Other', 'Sub_Task']);
    await t.engine.completeTask(task(t.engine, pi.id, 'Sub_Task'));
    await t.engine.completeTask(task(t.engine, pi.id, 'Sub_Other'));
    expect(active(t.engine, pi.id)).toEqual(['Task_After']);
    expect(jobs(t.engine, pi.id)).toEqual([]);
  });
});
