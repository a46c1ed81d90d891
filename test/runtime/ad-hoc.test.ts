import { describe, it, expect, afterEach } from 'vitest';
import { Engine, compileBpmn } from '../../src/index.js';
import { engineWith, fixture, historyOf, activeElements, tasksOf, incidentsOf } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

const taskOf = (e: Engine, instanceId: string, elementId: string) => tasksOf(e, instanceId).find((t) => t.element_id === elementId || t.task_definition_key === elementId);
const rows = (e: Engine, instanceId: string, kind: string) => historyOf(e, instanceId).filter((row) => row.kind === kind).map((row) => row.element_id);

describe('ad-hoc sub-process, Camunda 7 / BPMN reading', () => {
  it('compiles: the inner elements without incoming flows are the ones it starts', async () => {
    const { processes, errors, warnings } = await compileBpmn(fixture('ad-hoc.c7.bpmn'));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]); // the inner elements without start event are not "unreachable"
    const checks = processes.find((p) => p.id === 'AdHocC7')!.nodes.Checks!;
    expect(checks.kind).toBe('adHocSubProcess');
    expect(checks.adHoc).toEqual({
      activation: 'bpmn', activatable: ['Task_Bias', 'Task_Drift', 'Task_Signoff'],
      completionCondition: { language: 'juel', source: '${rejected}' }, cancelRemainingInstances: true, ordering: 'Parallel',
    });
    const sequence = processes.find((p) => p.id === 'AdHocSequentialC7')!.nodes.Sequence!;
    expect(sequence.adHoc).toMatchObject({ ordering: 'Sequential', cancelRemainingInstances: false });
  });

  it('starts every activity without incoming flow; inner flows run; it completes when nothing is left', async () => {
    engine = await engineWith(['ad-hoc.c7.bpmn']);
    const instance = await engine.start('AdHocC7', { variables: { rejected: false } });
    await engine.whenIdle();
    expect(activeElements(engine, instance.id).sort()).toEqual(['Checks', 'Task_Bias', 'Task_Drift', 'Task_Signoff']);
    for (const id of ['Task_Signoff', 'Task_Drift', 'Task_Bias']) {
      await engine.completeTask(taskOf(engine, instance.id, id)!.id);
      await engine.whenIdle();
      if (id !== 'Task_Bias') expect(engine.instance(instance.id).state).toBe('active');
    }
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(rows(engine, instance.id, 'activityCompleted')).toEqual(expect.arrayContaining(['Task_Publish', 'Checks', 'End']));
    expect(historyOf(engine, instance.id).find((r) => r.element_id === 'Checks' && r.kind === 'activityCompleted')?.element_type).toBe('adHocSubProcess');
  });

  it('the completion condition cancels the inner elements still running (cancelRemainingInstances)', async () => {
    engine = await engineWith(['ad-hoc.c7.bpmn']);
    const instance = await engine.start('AdHocC7', { variables: { rejected: false } });
    await engine.whenIdle();
    await engine.completeTask(taskOf(engine, instance.id, 'Task_Bias')!.id, { rejected: true });
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(rows(engine, instance.id, 'activityTerminated').sort()).toEqual(['Task_Drift', 'Task_Signoff']);
    expect(rows(engine, instance.id, 'activityCompleted')).not.toContain('Task_Publish');
  });

  it('with cancelRemainingInstances="false" a met condition waits for the running elements, then completes', async () => {
    engine = await Engine.open({ retryBackoff: { initial: 0, max: 0 } });
    const xml = fixture('ad-hoc.c7.bpmn').replace('<bpmn:adHocSubProcess id="Checks" name="Validation checks">', '<bpmn:adHocSubProcess id="Checks" name="Validation checks" cancelRemainingInstances="false">');
    await engine.deploy({ name: 'wait', resources: [{ name: 'ad-hoc-wait.bpmn', content: xml }] });
    const instance = await engine.start('AdHocC7', { variables: { rejected: false } });
    await engine.whenIdle();
    await engine.completeTask(taskOf(engine, instance.id, 'Task_Bias')!.id, { rejected: true });
    await engine.whenIdle();
    expect(activeElements(engine, instance.id).sort()).toEqual(['Checks', 'Task_Drift', 'Task_Signoff']);
    await engine.completeTask(taskOf(engine, instance.id, 'Task_Drift')!.id);
    await engine.completeTask(taskOf(engine, instance.id, 'Task_Signoff')!.id);
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(rows(engine, instance.id, 'activityTerminated')).toEqual([]);
    expect(rows(engine, instance.id, 'activityCompleted')).toContain('Task_Publish'); // the flow already running goes on
  });

  it('Sequential ordering runs one element at a time in document order; a met condition without cancelling starts nothing more', async () => {
    engine = await engineWith(['ad-hoc.c7.bpmn']);
    const order: string[] = [];
    engine.handle('score', (job) => {
      order.push(job.element.id);
      expect(activeElements(engine, job.instance.id).filter((id) => id.startsWith('Task_'))).toEqual([job.element.id]);
      return { variables: { enough: job.element.id === 'Task_Second' } };
    });
    const instance = await engine.start('AdHocSequentialC7', { variables: { enough: false } });
    await engine.whenIdle();
    expect(order).toEqual(['Task_First', 'Task_Second']);
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(rows(engine, instance.id, 'activityStarted')).not.toContain('Task_Third');
  });
});

describe('ad-hoc sub-process, Camunda 8 (zeebe:adHoc)', () => {
  it('compiles activeElementsCollection, outputCollection/outputElement and the FEEL completion condition', async () => {
    const { processes, errors } = await compileBpmn(fixture('ad-hoc.c8.bpmn'));
    expect(errors).toEqual([]);
    expect(processes[0]!.nodes.Checks!.adHoc).toEqual({
      activation: 'zeebe', activatable: ['Task_Bias', 'Task_Drift', 'Task_Signoff'],
      activeElementsCollection: { language: 'feel', source: 'checks' },
      completionCondition: { language: 'feel', source: 'decided = true' },
      cancelRemainingInstances: true, ordering: 'Parallel',
      outputCollection: 'results', outputElement: { language: 'feel', source: 'score' },
    });
  });

  it('starts only the elements the collection names; stays active while its condition is false', async () => {
    engine = await engineWith(['ad-hoc.c8.bpmn']);
    engine.handle('bias-check', () => ({ variables: { score: 0.9 } }));
    engine.handle('drift-check', () => ({ variables: { score: 0.7 } }));
    const instance = await engine.start('AdHocC8', { variables: { checks: ['Task_Bias', 'Task_Drift'] } });
    await engine.whenIdle();
    expect(rows(engine, instance.id, 'activityCompleted').sort()).toEqual(['Start', 'Task_Bias', 'Task_Drift']);
    expect(activeElements(engine, instance.id)).toEqual(['Checks']);
    const local = engine.db.prepare("SELECT value FROM variables WHERE name = 'results'").all() as Array<{ value: string }>;
    expect(local.map((v) => JSON.parse(v.value).sort())).toEqual([[0.7, 0.9]]);
  });

  it('an activeElementsCollection naming an element it cannot start is an incident on the sub-process', async () => {
    engine = await engineWith(['ad-hoc.c8.bpmn']);
    const instance = await engine.start('AdHocC8', { variables: { checks: ['Task_Publish'] } });
    await engine.whenIdle();
    const [incident] = incidentsOf(engine, instance.id);
    expect(incident).toMatchObject({ element_id: 'Checks' });
    expect(incident!.message).toMatch(/names 'Task_Publish', which it cannot activate/);
  });
});

const AD_HOC_XML = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:adHocSubProcess id="A"><bpmn:incoming>f1</bpmn:incoming>${inner}</bpmn:adHocSubProcess>
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="A" />
  </bpmn:process>
</bpmn:definitions>`;

describe('ad-hoc sub-process at deploy', () => {
  it('refuses start and end events inside, and one without an activity', async () => {
    const withEvents = await compileBpmn(AD_HOC_XML('<bpmn:startEvent id="In" /><bpmn:task id="T" /><bpmn:endEvent id="Out" />'));
    expect(withEvents.errors.map((e) => `${e.elementId}: ${e.message}`).sort()).toEqual([
      'In: An ad-hoc sub-process must not contain start events',
      'Out: An ad-hoc sub-process must not contain end events',
    ]);
    const empty = await compileBpmn(AD_HOC_XML('<bpmn:intermediateThrowEvent id="I" />'));
    expect(empty.errors.map((e) => `${e.elementId}: ${e.message}`)).toEqual(['A: An ad-hoc sub-process must contain at least one activity']);
  });
});
