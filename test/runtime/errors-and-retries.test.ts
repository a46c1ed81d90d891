import { describe, it, expect, afterEach } from 'vitest';
import { BpmnError, ManualClock, type Engine } from '../../src/index.js';
import { engineWith, flavours, processId, completedElements, activeElements, incidentsOf, openJobs, historyOf } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

describe.each(flavours)('errors (%s)', (flavour) => {
  it('a BpmnError from a handler is caught by the matching error boundary event', async () => {
    engine = await engineWith([`error-boundary.${flavour}.bpmn`]);
    engine.handle('risky', () => {
      throw new BpmnError('RISK_ERROR', 'too risky', { riskScore: 0.99 });
    });
    const instance = await engine.start(processId('ErrorBoundary', flavour), { variables: { fail: false } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).endElementId).toBe('EndFailed');
    const kinds = historyOf(engine, instance.id).map((row) => `${row.kind}:${row.element_id ?? ''}`);
    expect(kinds).toContain('activityTerminated:Task_Risky');
    expect(kinds).toContain('errorCaught:Boundary_Risk');
    const sets = historyOf(engine, instance.id).filter((row) => row.kind === 'variableSet').map((row) => JSON.parse(row.data!).name);
    expect(sets).toContain('riskScore');
    if (flavour === 'c7') expect(sets).toEqual(expect.arrayContaining(['errorCode', 'errorMessage']));
  });

  it('an error end event inside a sub-process is caught by the boundary event on the sub-process', async () => {
    engine = await engineWith([`error-boundary.${flavour}.bpmn`]);
    engine.handle('risky', () => ({}));
    const caught = await engine.start(processId('ErrorBoundary', flavour), { variables: { fail: true } });
    const passed = await engine.start(processId('ErrorBoundary', flavour), { variables: { fail: false } });
    await engine.whenIdle();
    expect(engine.instance(caught.id).endElementId).toBe('EndCheckFailed');
    expect(engine.instance(passed.id).endElementId).toBe('End');
    expect(completedElements(engine, caught.id)).not.toContain('Sub');
  });

  it('an error code nobody catches becomes an incident on the task', async () => {
    engine = await engineWith([`error-boundary.${flavour}.bpmn`]);
    engine.handle('risky', () => {
      throw new BpmnError('SOMETHING_ELSE', 'no boundary for this');
    });
    const instance = await engine.start(processId('ErrorBoundary', flavour), { variables: { fail: false } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('active');
    const [incident] = incidentsOf(engine, instance.id);
    expect(incident).toMatchObject({ type: 'unhandledError', element_id: 'Task_Risky' });
    expect(incident!.message).toMatch(/SOMETHING_ELSE/);
  });
});

describe('failures and retries', () => {
  it('a failing handler is retried with backoff, then raises an incident that setting retries resolves', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    engine = await engineWith(['service-task.c7.bpmn'], { clock, retryBackoff: { initial: 1000, max: 60_000 } });
    const attempts: Array<{ attempt: number; key: string; at: number }> = [];
    let healthy = false;
    engine.handle('work', (job) => {
      attempts.push({ attempt: job.attempt, key: job.idempotencyKey, at: clock.now() });
      if (!healthy) throw new Error('model store unavailable');
      return { variables: { done: true } };
    });
    const instance = await engine.start('ServiceTaskC7');
    await engine.whenIdle();
    expect(attempts.map((a) => a.attempt)).toEqual([1]);

    clock.advance(999);
    await engine.whenIdle();
    expect(attempts).toHaveLength(1); // backoff not over yet
    clock.advance(1);
    await engine.whenIdle();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
    clock.advance(2000);
    await engine.whenIdle();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(new Set(attempts.map((a) => a.key)).size).toBe(1); // one step, one idempotency key

    const [incident] = incidentsOf(engine, instance.id);
    expect(incident).toMatchObject({ type: 'failedJob', element_id: 'Task_Work', message: 'model store unavailable' });
    const [job] = openJobs(engine, instance.id);
    expect(job).toMatchObject({ retries: 0, attempts: 3, error_message: 'model store unavailable' });

    clock.advance(3_600_000);
    await engine.whenIdle();
    expect(attempts).toHaveLength(3); // an incident waits for a person

    healthy = true;
    await engine.setJobRetries(job!.id, 1);
    await engine.whenIdle();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(incidentsOf(engine, instance.id)).toEqual([]);
  });

  it('camunda:failedJobRetryTimeCycle sets the number of attempts and the delay between them', async () => {
    const clock = new ManualClock(Date.parse('2026-11-23T08:00:00Z'));
    const xml = (await import('./helpers.js')).fixture('service-task.c7.bpmn').replace(
      /<bpmn:serviceTask id="Task_Work"([^>]*)>/,
      '<bpmn:serviceTask id="Task_Work"$1><bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R5/PT1M</camunda:failedJobRetryTimeCycle></bpmn:extensionElements>',
    );
    const { Engine } = await import('../../src/index.js');
    engine = await Engine.open({ clock });
    await engine.deploy({ name: 'retry', resources: [{ name: 'retry.bpmn', content: xml }] });
    let calls = 0;
    engine.handle('work', () => {
      calls++;
      throw new Error('still failing');
    });
    const instance = await engine.start('ServiceTaskC7');
    await engine.whenIdle();
    for (let minute = 1; minute <= 6; minute++) {
      clock.advance(60_000);
      await engine.whenIdle();
    }
    expect(calls).toBe(5);
    expect(incidentsOf(engine, instance.id)).toHaveLength(1);
  });

  it('a handler that returns an unstorable variable fails the attempt with a message naming it', async () => {
    engine = await engineWith(['service-task.c7.bpmn'], { defaultRetries: 1 });
    engine.handle('work', () => ({ variables: { broken: () => 1 } as unknown as Record<string, unknown> }));
    const instance = await engine.start('ServiceTaskC7');
    await engine.whenIdle();
    const [incident] = incidentsOf(engine, instance.id);
    expect(incident!.message).toMatch(/Variable 'broken'/);
    expect(activeElements(engine, instance.id)).toEqual(['Task_Work']);
  });
});
