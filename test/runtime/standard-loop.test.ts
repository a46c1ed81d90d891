import { describe, it, expect, afterEach } from 'vitest';
import type { Engine } from '../../src/index.js';
import { BpmnError, compileBpmn } from '../../src/index.js';
import { engineWith, fixture, flavours, processId, historyOf, activeElements, tasksOf, incidentsOf } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

const STANDARD_LOOP_XML = (loop: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Broken" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:task id="T"><bpmn:incoming>f1</bpmn:incoming>${loop}</bpmn:task>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="T" />
  </bpmn:process>
</bpmn:definitions>`;

describe.each(flavours)('standard loop (%s)', (flavour) => {
  it('compiles loopCondition, testBefore and loopMaximum from the Modeler file', async () => {
    const { processes, errors } = await compileBpmn(fixture(`standard-loop.${flavour}.bpmn`));
    expect(errors).toEqual([]);
    const { Task_Tune, Task_Review } = processes[0]!.nodes;
    expect(Task_Tune!.standardLoop).toEqual({
      testBefore: true,
      loopCondition: flavour === 'c7' ? { language: 'juel', source: '${trials < 3}' } : { language: 'feel', source: 'trials < 3' },
    });
    expect(Task_Review!.standardLoop).toMatchObject({ testBefore: false, loopMaximum: 4 });
    expect(Task_Review!.multiInstance).toBeUndefined();
  });

  it('testBefore loops while the condition holds, each iteration a new activity instance that sees its loopCounter', async () => {
    engine = await engineWith([`standard-loop.${flavour}.bpmn`]);
    const instance = await engine.start(processId('StandardLoop', flavour), { variables: { trials: 0 } });
    await engine.whenIdle();
    // three iterations of the script (trials 0 → 3), then the review waits
    const tune = historyOf(engine, instance.id).filter((row) => row.element_id === 'Task_Tune' && row.kind === 'activityCompleted');
    expect(tune).toHaveLength(4); // three iterations and the loop itself
    const parentOf = (row: { data: string | null }) => JSON.parse(row.data ?? '{}').parent as string | undefined;
    const [loopRow, ...iterations] = [...tune].sort((a, b) => Number(parentOf(a) !== undefined) - Number(parentOf(b) !== undefined));
    expect(parentOf(loopRow!)).toBeUndefined(); // the loop activity sits at the process level
    expect(iterations).toHaveLength(3);
    expect(new Set(iterations.map(parentOf)).size).toBe(1); // three iterations inside it
    expect(engine.variables(instance.id)).toMatchObject({ trials: 3 });
    const counters = historyOf(engine, instance.id)
      .filter((row) => row.kind === 'variableSet' && JSON.parse(row.data!).name === 'loopCounter')
      .map((row) => JSON.parse(row.data!).value);
    expect(counters.slice(0, 7)).toEqual(['0', '0', '1', '1', '2', '2', '3']); // loop, iteration 0, loop, iteration 1, ...
    expect(activeElements(engine, instance.id)).toEqual(['Task_Review', 'Task_Review']);
  });

  it('testBefore with a condition already false runs no iteration', async () => {
    engine = await engineWith([`standard-loop.${flavour}.bpmn`]);
    const instance = await engine.start(processId('StandardLoop', flavour), { variables: { trials: 5 } });
    await engine.whenIdle();
    const tune = historyOf(engine, instance.id).filter((row) => row.element_id === 'Task_Tune' && row.kind === 'activityCompleted');
    expect(tune).toHaveLength(1);
    expect(engine.variables(instance.id)).toMatchObject({ trials: 5 });
  });

  it('do-while: the review runs again until approved; each iteration is its own user task', async () => {
    engine = await engineWith([`standard-loop.${flavour}.bpmn`]);
    const instance = await engine.start(processId('StandardLoop', flavour), { variables: { trials: 3, approved: true } });
    await engine.whenIdle();
    // approved is already true, yet a do-while loop runs once before testing
    const seen: string[] = [];
    for (const approved of [false, false, true]) {
      const [task] = tasksOf(engine, instance.id);
      seen.push(String(task!.name));
      await engine.completeTask(task!.id, { approved });
      await engine.whenIdle();
    }
    expect(engine.instance(instance.id).state).toBe('completed');
    const review = historyOf(engine, instance.id).filter((row) => row.element_id === 'Task_Review' && row.kind === 'activityCompleted');
    expect(review).toHaveLength(4); // three reviews and the loop activity
    if (flavour === 'c7') expect(seen).toEqual(['Review model 0', 'Review model 1', 'Review model 2']);
    expect(historyOf(engine, instance.id).filter((row) => row.element_id === 'End' && row.kind === 'activityCompleted')).toHaveLength(1);
  });

  it('loopMaximum caps the iterations', async () => {
    engine = await engineWith([`standard-loop.${flavour}.bpmn`]);
    const instance = await engine.start(processId('StandardLoop', flavour), { variables: { trials: 3 } });
    await engine.whenIdle();
    for (let i = 0; i < 4; i++) {
      const [task] = tasksOf(engine, instance.id);
      await engine.completeTask(task!.id, { approved: false });
      await engine.whenIdle();
    }
    expect(tasksOf(engine, instance.id)).toHaveLength(0);
    expect(engine.instance(instance.id).state).toBe('completed');
  });

  it('a loop condition that cannot be evaluated is an incident on the loop; fixing the variable and resolving it runs on', async () => {
    engine = await engineWith([`standard-loop.${flavour}.bpmn`]);
    const instance = await engine.start(processId('StandardLoop', flavour), { variables: { trials: 3 } });
    await engine.whenIdle();
    const [task] = tasksOf(engine, instance.id);
    await engine.completeTask(task!.id); // approved was never set: the condition cannot be evaluated
    await engine.whenIdle();
    const [incident] = incidentsOf(engine, instance.id);
    expect(incident).toMatchObject({ element_id: 'Task_Review' });
    await engine.setVariables(instance.id, { approved: true });
    await engine.resolveIncident(incident!.id);
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
  });
});

describe('standard loop of an embedded sub-process (c7)', () => {
  it('each round is a sub-process instance; the task inside sees the round\'s loopCounter', async () => {
    engine = await engineWith(['standard-loop-subprocess.c7.bpmn']);
    const rounds: unknown[] = [];
    engine.handle('train', (job) => {
      rounds.push(job.variables.loopCounter);
      return { variables: { score: [0.5, 0.8, 0.95][job.variables.loopCounter as number] } };
    });
    const instance = await engine.start('StandardLoopSubProcessC7');
    await engine.whenIdle();
    expect(rounds).toEqual([0, 1, 2]);
    expect(engine.instance(instance.id).state).toBe('completed');
    const ends = historyOf(engine, instance.id).filter((row) => row.kind === 'activityCompleted').map((row) => row.element_id);
    expect(ends.filter((id) => id === 'End_Round')).toHaveLength(3);
    expect(ends.filter((id) => id === 'Round')).toHaveLength(4); // three rounds and the loop
    expect(ends).toContain('End');
  });

  it('an error thrown in a round is caught by the boundary event on the loop, which ends every round', async () => {
    engine = await engineWith(['standard-loop-subprocess.c7.bpmn']);
    engine.handle('train', (job) => {
      if (job.variables.loopCounter === 1) throw new BpmnError('TRAIN_FAILED', 'out of memory');
      return { variables: { score: 0.5 } };
    });
    const instance = await engine.start('StandardLoopSubProcessC7');
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    const history = historyOf(engine, instance.id);
    expect(history.filter((row) => row.kind === 'activityCompleted').map((row) => row.element_id)).toContain('End_Failed');
    expect(history.filter((row) => row.kind === 'activityCompleted').map((row) => row.element_id)).not.toContain('End');
    expect(history.filter((row) => row.kind === 'activityTerminated').map((row) => row.element_id).sort()).toEqual(['Round', 'Round', 'Task_Train']);
  });
});

describe('standard loop at deploy', () => {
  it('refuses a loop that can never stop and a bad loopMaximum, naming the element', async () => {
    const never = await compileBpmn(STANDARD_LOOP_XML('<bpmn:standardLoopCharacteristics />'));
    expect(never.errors).toEqual([expect.objectContaining({ elementId: 'T', message: expect.stringMatching(/neither a loopCondition nor a loopMaximum/) })]);
    const literal = await compileBpmn(STANDARD_LOOP_XML('<bpmn:standardLoopCharacteristics><bpmn:loopCondition xsi:type="bpmn:tFormalExpression">again</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'));
    expect(literal.errors.map((e) => e.message)).toEqual([expect.stringMatching(/Loop condition 'again' is not an expression/)]);
  });
});
