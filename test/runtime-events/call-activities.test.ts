import { afterEach, describe, expect, it } from 'vitest';
import { active, childrenOf, historicVariables, completed, engineWith, fixture, flavours, incidents, pid, state, task, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe.each(flavours)('call activities (%s)', (flavour) => {
  it('passes variables in, waits for the child, takes its variables out', async () => {
    t = await engineWith([`call-activity.${flavour}.bpmn`, `call-activity-child.${flavour}.bpmn`]);
    const seen: Array<Record<string, unknown>> = [];
    t.engine.handle('child-work', (job) => {
      seen.push({ ...job.variables });
      return { variables: { score: 0.93 } };
    });
    const pi = await t.engine.start(pid('CallParent', flavour), { businessKey: 'fraud-v7', variables: { modelId: 'fraud', threshold: 0.4 } });
    await t.engine.whenIdle();
    const [child] = childrenOf(t.engine, pi.id);
    expect(child).toMatchObject({ definition_key: pid('CallChild', flavour), state: 'completed' });
    expect(t.engine.instance(child!.id)).toMatchObject({ parentInstanceId: pi.id });
    if (flavour === 'c7') expect(child!.business_key).toBe('fraud-v7');
    expect(seen[0]).toMatchObject({ modelId: 'fraud', limit: 0.8 });
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(t.engine.db.prepare(`SELECT count(*) AS c FROM history WHERE instance_id = ? AND kind = 'variableSet' AND data LIKE '%"score"%'`).get(pi.id)).toEqual({ c: 1 });
  });

  it('cancelling the parent cancels the child', async () => {
    t = await engineWith([`call-activity.${flavour}.bpmn`, `call-activity-child.${flavour}.bpmn`]);
    const pi = await t.engine.start(pid('CallParent', flavour), { variables: { modelId: 'm', threshold: 1 } });
    const [child] = childrenOf(t.engine, pi.id);
    expect(child!.state).toBe('active');
    await t.engine.cancel(pi.id);
    expect(state(t.engine, child!.id)).toBe('terminated');
    expect(t.engine.db.prepare('SELECT count(*) AS c FROM jobs WHERE instance_id IN (?, ?)').get(pi.id, child!.id)).toEqual({ c: 0 });
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('terminated');
  });
});

describe('call activity errors and bindings', () => {
  it('a BPMN error not caught in the child reaches the error boundary on the call activity (and ends the child)', async () => {
    t = await engineWith(['call-activity-error.c7.bpmn', 'call-activity-error-child.c7.bpmn']);
    const pi = await t.engine.start('CallErrorC7', { variables: { fail: true } });
    const [child] = childrenOf(t.engine, pi.id);
    await t.engine.completeTask(task(t.engine, child!.id, 'Task_Check'));
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(completed(t.engine, pi.id)).toContain('End_Failed');
    expect(historicVariables(t.engine, pi.id)).toMatchObject({ code: 'CHILD_FAILED' });
    expect(state(t.engine, child!.id)).toBe('terminated');
    expect(incidents(t.engine, child!.id)).toEqual([]);
  });

  it('the happy path of the same child completes the parent normally', async () => {
    t = await engineWith(['call-activity-error.c7.bpmn', 'call-activity-error-child.c7.bpmn']);
    const pi = await t.engine.start('CallErrorC7', { variables: { fail: false } });
    const [child] = childrenOf(t.engine, pi.id);
    await t.engine.completeTask(task(t.engine, child!.id, 'Task_Check'), { checked: true });
    await t.engine.whenIdle();
    expect(completed(t.engine, pi.id)).toEqual(['Start', 'Call_Child', 'End']);
    expect(historicVariables(t.engine, pi.id)).toMatchObject({ checked: true });
  });

  it('an unknown called process is an incident at call time; deploying it and resolving continues', async () => {
    t = await engineWith(['call-activity-unknown.c7.bpmn']);
    const pi = await t.engine.start('CallUnknownC7', { variables: { target: 'VersionedChildC7' } });
    const [incident] = incidents(t.engine, pi.id);
    expect(incident).toMatchObject({ type: 'calledProcessNotFound', element_id: 'Call_Missing' });
    expect(incident!.message).toMatch(/calls process 'VersionedChildC7', but no such process is deployed/);
    await t.engine.deploy({ name: 'child', resources: [{ name: 'child.bpmn', content: fixture('call-activity-versioned-child.c7.bpmn') }] });
    const id = (t.engine.db.prepare('SELECT id FROM incidents WHERE instance_id = ?').get(pi.id) as { id: string }).id;
    await t.engine.resolveIncident(id);
    await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
  });

  it('a process calling itself stops at the depth limit with an incident instead of hanging', async () => {
    t = await engineWith(['call-activity-recursive.c7.bpmn']);
    const pi = await t.engine.start('CallRecursiveC7');
    const rows = t.engine.db.prepare(`SELECT instance_id, type, message FROM incidents`).all() as Array<{ type: string; message: string }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'callDepthExceeded', message: expect.stringMatching(/more than 50 deep/) });
    expect(t.engine.db.prepare(`SELECT count(*) AS c FROM instances WHERE definition_key = 'CallRecursiveC7'`).get()).toEqual({ c: 50 });
    await t.engine.cancel(pi.id);
    expect(t.engine.db.prepare(`SELECT count(*) AS c FROM instances WHERE state = 'active'`).get()).toEqual({ c: 0 });
  });

  it('binding by version, version tag and latest', async () => {
    t = await engineWith(['call-activity-version.c7.bpmn']);
    const child = fixture('call-activity-versioned-child.c7.bpmn');
    const deployChild = (generation: number, tag: string) =>
      t!.engine.deploy({ name: 'child', resources: [{ name: 'child.bpmn', content: child.replace('${1}', `\${${generation}}`).replace('versionTag="stable"', `versionTag="${tag}"`) }] });
    await deployChild(1, 'first');
    await deployChild(2, 'stable');
    await deployChild(3, 'next');
    const pi = await t.engine.start('CallVersionC7');
    for (let i = 0; i < 3; i++) await t.engine.whenIdle();
    expect(state(t.engine, pi.id)).toBe('completed');
    expect(historicVariables(t.engine, pi.id)).toEqual({ fromVersion: 1, fromTag: 2, fromLatest: 3 });
  });
});
