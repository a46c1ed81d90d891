import { describe, it, expect, afterEach } from 'vitest';
import type { Engine } from '../../src/index.js';
import { compileBpmn } from '../../src/index.js';
import { engineWith, fixture, flavours, processId, completedElements, activeElements, incidentsOf, historyOf, until } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

/** Handlers for the three reviews; `c` waits until released, so the join is seen firing before it. */
function reviewers(engine: Engine) {
  const seen: string[] = [];
  let release!: () => void;
  const slowC = new Promise<void>((resolve) => (release = resolve));
  engine.handle('a', () => void seen.push('a'));
  engine.handle('b', () => void seen.push('b'));
  engine.handle('c', async () => {
    await slowC;
    seen.push('c');
  });
  engine.handle('decide', () => void seen.push('decide'));
  return { seen, release };
}

describe.each(flavours)('complex gateway (%s)', (flavour) => {
  it('compiles from the Modeler file with its activation condition', async () => {
    const { processes, errors } = await compileBpmn(fixture(`complex-gateway.${flavour}.bpmn`));
    expect(errors).toEqual([]);
    const join = processes[0]!.nodes.Join!;
    expect(join.kind).toBe('complexGateway');
    expect(join.activationCondition).toEqual(flavour === 'c7'
      ? { language: 'juel', source: '${activationCount >= 2}' }
      : { language: 'feel', source: 'activationCount >= 2' });
    expect(processes[0]!.inclusiveJoinSources.Join!.sort()).toEqual(['Fork', 'Start', 'Task_A', 'Task_B', 'Task_C']);
  });

  it('forks to every flow whose condition holds and fires the join on the second token, before the third arrives', async () => {
    engine = await engineWith([`complex-gateway.${flavour}.bpmn`]);
    const { seen, release } = reviewers(engine);
    const instance = await engine.start(processId('ComplexGateway', flavour), { variables: { a: true, b: true, c: true } });
    await until(() => completedElements(engine, instance.id).includes('Task_Decide'));
    // fired once with two reviews in; the gateway now waits for its reset (the token owed on Flow_FromC)
    expect(seen.filter((s) => s === 'decide')).toHaveLength(1);
    expect(seen).not.toContain('c');
    expect(activeElements(engine, instance.id).sort()).toEqual(['Join', 'Task_C']);
    release();
    await engine.whenIdle();
    // the late review resets the gateway: it is consumed, nothing runs a second time
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'decide']);
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(completedElements(engine, instance.id).filter((id) => id === 'Task_Decide')).toHaveLength(1);
    const activation = historyOf(engine, instance.id).filter((row) => row.kind === 'gatewayActivated');
    expect(activation).toHaveLength(1);
    expect(JSON.parse(activation[0]!.data!)).toMatchObject({ owed: ['Flow_FromC'] });
  });

  it('with only two branches taken, the reset ends when no further token can arrive', async () => {
    engine = await engineWith([`complex-gateway.${flavour}.bpmn`]);
    const { seen } = reviewers(engine);
    const instance = await engine.start(processId('ComplexGateway', flavour), { variables: { a: true, b: true, c: false } });
    await engine.whenIdle();
    expect(seen.sort()).toEqual(['a', 'b', 'decide']);
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(activeElements(engine, instance.id)).toEqual([]);
  });

  it('an activation condition that can no longer hold is an incident on the join, not a silent hang', async () => {
    engine = await engineWith([`complex-gateway.${flavour}.bpmn`]);
    const { seen } = reviewers(engine);
    const instance = await engine.start(processId('ComplexGateway', flavour), { variables: { a: true, b: false, c: false } });
    await engine.whenIdle();
    expect(seen).toEqual(['a']);
    expect(engine.instance(instance.id).state).toBe('active');
    expect(activeElements(engine, instance.id)).toEqual(['Join']);
    const [incident] = incidentsOf(engine, instance.id);
    expect(incident).toMatchObject({ element_id: 'Join' });
    expect(incident!.message).toMatch(/activation condition .*activationCount >= 2.* is false and no further token can arrive/);
  });

  it('a fork where no condition holds and there is no default flow raises an incident on the fork', async () => {
    engine = await engineWith([`complex-gateway.${flavour}.bpmn`]);
    reviewers(engine);
    const instance = await engine.start(processId('ComplexGateway', flavour), { variables: { a: false, b: false, c: false } });
    await engine.whenIdle();
    expect(activeElements(engine, instance.id)).toEqual(['Fork']);
    expect(incidentsOf(engine, instance.id)[0]).toMatchObject({ element_id: 'Fork' });
  });
});
