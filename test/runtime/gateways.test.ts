import { describe, it, expect, afterEach } from 'vitest';
import type { Engine } from '../../src/index.js';
import { engineWith, flavours, processId, completedElements, activeElements, incidentsOf, openJobs, until } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

describe.each(flavours)('gateways (%s)', (flavour) => {
  it('an exclusive gateway takes the flow whose condition holds, else the default', async () => {
    engine = await engineWith([`exclusive-gateway.${flavour}.bpmn`]);
    engine.handle('score', (job) => ({ variables: { score: job.variables.s } }));
    const high = await engine.start(processId('ExclusiveGateway', flavour), { variables: { s: 0.95 } });
    const low = await engine.start(processId('ExclusiveGateway', flavour), { variables: { s: 0.2 } });
    await engine.whenIdle();
    expect(engine.instance(high.id).endElementId).toBe('EndHigh');
    expect(engine.instance(low.id).endElementId).toBe('EndLow');
    expect(completedElements(engine, high.id)).toEqual(['Start', 'Task_Score', 'Gateway_Score', 'EndHigh']);
  });

  it('a condition on a missing variable stops the token with an incident naming the variable; other instances run on', async () => {
    engine = await engineWith([`exclusive-gateway.${flavour}.bpmn`]);
    engine.handle('score', (job) => (job.variables.s === undefined ? {} : { variables: { score: job.variables.s } }));
    const broken = await engine.start(processId('ExclusiveGateway', flavour));
    const fine = await engine.start(processId('ExclusiveGateway', flavour), { variables: { s: 0.9 } });
    await engine.whenIdle();
    expect(engine.instance(fine.id).state).toBe('completed');
    expect(engine.instance(broken.id).state).toBe('active');
    expect(activeElements(engine, broken.id)).toEqual(['Gateway_Score']);
    const [incident] = incidentsOf(engine, broken.id);
    expect(incident!.element_id).toBe('Gateway_Score');
    expect(incident!.message).toMatch(/score/);

    // fix the variable and resolve: the gateway runs again
    await engine.setVariables(broken.id, { score: 0.1 });
    await engine.resolveIncident(incident!.id);
    expect(engine.instance(broken.id).endElementId).toBe('EndLow');
    expect(incidentsOf(engine, broken.id)).toEqual([]);
  });

  it('a parallel gateway forks to every branch and joins once all have arrived', async () => {
    engine = await engineWith([`parallel.${flavour}.bpmn`]);
    const release: Record<string, () => void> = {};
    for (const topic of ['a', 'b', 'c']) {
      engine.handle(topic, () => new Promise<void>((resolve) => (release[topic] = resolve)));
    }
    const instance = await engine.start(processId('Parallel', flavour));
    await until(() => Object.keys(release).length === 3);
    expect(activeElements(engine, instance.id).sort()).toEqual(['Task_A', 'Task_B', 'Task_C']);
    release.a!();
    release.c!();
    await until(() => !activeElements(engine, instance.id).includes('Task_A') && !activeElements(engine, instance.id).includes('Task_C'));
    expect(activeElements(engine, instance.id).sort()).toEqual(['Join', 'Join', 'Task_B']);
    release.b!();
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    const joins = completedElements(engine, instance.id).filter((id) => id === 'Join');
    expect(joins).toHaveLength(3); // three tokens arrived; two were consumed, one went on
    expect(completedElements(engine, instance.id).filter((id) => id === 'End')).toHaveLength(1);
    expect(openJobs(engine, instance.id)).toEqual([]);
  });

  it.each([true, false])('a parallel join reached through an exclusive merge waits for both branches (bpmn-engine #200, takeTask=%s)', async (takeTask) => {
    engine = await engineWith([`parallel-join-via-xor.${flavour}.bpmn`]);
    const seen: string[] = [];
    engine.handle('a', () => void seen.push('a'));
    engine.handle('b', () => void seen.push('b'));
    const instance = await engine.start(processId('ParallelJoinViaXor', flavour), { variables: { takeTask } });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(seen.sort()).toEqual(takeTask ? ['a', 'b'] : ['a']);
    expect(completedElements(engine, instance.id).filter((id) => id === 'End')).toHaveLength(1);
  });

  it.each([
    [{ x: true, y: true }, ['x', 'y']],
    [{ x: true, y: false }, ['x']],
    [{ x: false, y: false }, ['fallback']],
  ])('an inclusive gateway forks to the true branches and joins only those (%j)', async (variables, expected) => {
    engine = await engineWith([`inclusive.${flavour}.bpmn`]);
    const seen: string[] = [];
    let release!: () => void;
    const slowY = new Promise<void>((resolve) => (release = resolve));
    engine.handle('x', () => void seen.push('x'));
    engine.handle('y', async () => {
      await slowY; // the join must wait for y while it is still running
      seen.push('y');
    });
    engine.handle('fallback', () => void seen.push('fallback'));
    const instance = await engine.start(processId('Inclusive', flavour), { variables });
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (variables.y) expect(engine.instance(instance.id).state).toBe('active');
    release();
    await engine.whenIdle();
    expect(seen.sort()).toEqual(expected);
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(completedElements(engine, instance.id).filter((id) => id === 'End')).toHaveLength(1);
  });
});
