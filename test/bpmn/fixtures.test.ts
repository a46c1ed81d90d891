import { describe, expect, it } from 'vitest';
import type { ProcessGraph } from '../../src/bpmn/index.js';
import { compileFixture, graphOf } from './helpers.js';

const FLAVOURS = ['c7', 'c8'] as const;
const lang = (flavour: string) => (flavour === 'c7' ? 'juel' : 'feel');

function targets(graph: ProcessGraph, nodeId: string): string[] {
  return graph.nodes[nodeId]!.outgoing.map((id) => graph.flows[id]!.target);
}

describe.each(FLAVOURS)('fixtures (%s)', (flavour) => {
  const file = (name: string) => `${name}.${flavour}.bpmn`;
  const pid = (base: string) => `${base}${flavour.toUpperCase()}`;

  it('service-task: start → service task with topic `work` → end', async () => {
    const graph = await graphOf(file('service-task'));
    expect(graph.id).toBe(pid('ServiceTask'));
    expect(graph.name).toBe('Service task');
    expect(graph.scope).toEqual({ triggeredByEvent: false, startEvents: ['Start'], eventSubProcesses: [] });
    const task = graph.nodes.Task_Work!;
    expect(task).toMatchObject({ kind: 'serviceTask', type: 'bpmn:ServiceTask', name: 'Do work', parent: null, incoming: ['Flow_1'], outgoing: ['Flow_2'] });
    expect(task.job?.topic).toBe('work');
    expect(task.line).toBeGreaterThan(1);
    expect(task.column).toBe(5);
    expect(graph.nodes.Start).toMatchObject({ kind: 'startEvent', event: { type: 'none' } });
    expect(graph.nodes.End).toMatchObject({ kind: 'endEvent', event: { type: 'none' } });
    expect(graph.flows.Flow_1).toEqual({ id: 'Flow_1', source: 'Start', target: 'Task_Work' });
  });

  it('exclusive-gateway: condition on score, default flow to EndLow', async () => {
    const graph = await graphOf(file('exclusive-gateway'));
    const gateway = graph.nodes.Gateway_Score!;
    expect(gateway.kind).toBe('exclusiveGateway');
    expect(gateway.defaultFlow).toBe('Flow_Low');
    expect(targets(graph, 'Gateway_Score')).toEqual(['EndHigh', 'EndLow']);
    expect(graph.flows.Flow_High!.condition).toEqual(
      flavour === 'c7' ? { language: 'juel', source: '${score > 0.8}' } : { language: 'feel', source: 'score > 0.8' },
    );
    expect(graph.flows.Flow_Low!.condition).toBeUndefined();
    expect(graph.nodes.Task_Score!.job?.topic).toBe('score');
  });

  it('parallel: fork to a, b, c and join', async () => {
    const graph = await graphOf(file('parallel'));
    expect(graph.nodes.Fork!.kind).toBe('parallelGateway');
    expect(targets(graph, 'Fork')).toEqual(['Task_A', 'Task_B', 'Task_C']);
    expect(['Task_A', 'Task_B', 'Task_C'].map((id) => graph.nodes[id]!.job?.topic)).toEqual(['a', 'b', 'c']);
    expect(graph.nodes.Join!.incoming).toHaveLength(3);
    expect(graph.inclusiveJoinSources).toEqual({});
  });

  it('parallel-join-via-xor: the parallel join has one incoming flow per parallel branch', async () => {
    const graph = await graphOf(file('parallel-join-via-xor'));
    expect(graph.nodes.Join!.incoming.map((id) => graph.flows[id]!.source).sort()).toEqual(['Gateway_Merge', 'Task_Upper']);
    expect(graph.nodes.Gateway_Merge!.incoming.map((id) => graph.flows[id]!.source).sort()).toEqual(['Gateway_Split', 'Task_Lower']);
    expect(graph.flows.Flow_True!.condition?.language).toBe(lang(flavour));
    expect(graph.flows.Flow_False!.condition?.language).toBe(lang(flavour));
    expect(graph.nodes.Task_Upper!.job?.topic).toBe('a');
    expect(graph.nodes.Task_Lower!.job?.topic).toBe('b');
  });

  it('inclusive: conditional fork on x and y with a default, join sources', async () => {
    const graph = await graphOf(file('inclusive'));
    expect(graph.nodes.Fork).toMatchObject({ kind: 'inclusiveGateway', defaultFlow: 'Flow_ToDefault' });
    expect(graph.flows.Flow_ToX!.condition?.source).toContain('x');
    expect(graph.flows.Flow_ToY!.condition?.source).toContain('y');
    expect(Object.keys(graph.inclusiveJoinSources)).toEqual(['Join']);
    expect([...graph.inclusiveJoinSources.Join!].sort()).toEqual(['Fork', 'Start', 'Task_Default', 'Task_X', 'Task_Y']);
  });

  it('user-task: candidate group reviewers and an assignee expression', async () => {
    const graph = await graphOf(file('user-task'));
    const settings = graph.nodes.Task_Review!.userTask!;
    expect(settings.candidateGroups).toEqual({ language: 'literal', source: 'reviewers' });
    expect(settings.assignee).toEqual(flavour === 'c7' ? { language: 'juel', source: '${reviewer}' } : { language: 'feel', source: 'reviewer' });
    expect(settings.dueDate?.language).toBe(lang(flavour));
    expect(settings.priority).toEqual({ language: 'literal', source: '60' });
    if (flavour === 'c7') expect(settings.formKey).toBe('embedded:app:forms/review.html');
    else expect(settings.formRef).toBe('review-form');
  });

  it('script-task: total = a + b', async () => {
    const graph = await graphOf(file('script-task'));
    expect(graph.nodes.Task_Sum!.script).toEqual({
      expression: flavour === 'c7' ? { language: 'juel', source: '${a + b}' } : { language: 'feel', source: 'a + b' },
      resultVariable: 'total',
    });
  });

  it('sub-process: nested nodes know their parent and the sub-process its scope', async () => {
    const graph = await graphOf(file('sub-process'));
    expect(graph.nodes.Sub).toMatchObject({ kind: 'subProcess', parent: null, scope: { triggeredByEvent: false, startEvents: ['Sub_Start'], eventSubProcesses: [] } });
    for (const id of ['Sub_Start', 'Sub_Task', 'Sub_End']) expect(graph.nodes[id]!.parent).toBe('Sub');
    expect(graph.nodes.Sub_Task!.job?.topic).toBe('inner');
    expect(graph.flows.Flow_S1).toMatchObject({ source: 'Sub_Start', target: 'Sub_Task' });
    expect(graph.scope.startEvents).toEqual(['Start']);
  });

  it('error-boundary: RISK_ERROR on the task, CHECK_FAILED thrown inside the sub-process', async () => {
    const graph = await graphOf(file('error-boundary'));
    expect(graph.nodes.Task_Risky).toMatchObject({ job: { topic: 'risky' }, boundaryEvents: ['Boundary_Risk'] });
    const boundary = graph.nodes.Boundary_Risk!;
    expect(boundary).toMatchObject({ kind: 'boundaryEvent', attachedTo: 'Task_Risky', cancelActivity: true, parent: null });
    expect(boundary.event).toMatchObject({ type: 'error', errorCode: 'RISK_ERROR' });
    if (flavour === 'c7') expect(boundary.event).toMatchObject({ errorCodeVariable: 'errorCode', errorMessageVariable: 'errorMessage' });
    expect(targets(graph, 'Boundary_Risk')).toEqual(['EndFailed']);
    expect(graph.nodes.Sub!.boundaryEvents).toEqual(['Boundary_Check']);
    expect(graph.nodes.Boundary_Check!.event).toMatchObject({ type: 'error', errorCode: 'CHECK_FAILED' });
    expect(graph.nodes.Sub_Throw).toMatchObject({ kind: 'endEvent', parent: 'Sub', event: { type: 'error', errorCode: 'CHECK_FAILED' } });
    // the error's name is not its message (Camunda 7 and 8): only camunda:errorMessage is
    expect(graph.nodes.Sub_Throw!.event!.errorMessage).toBeUndefined();
    expect(targets(graph, 'Boundary_Check')).toEqual(['EndCheckFailed']);
  });

  it('terminate-end', async () => {
    const graph = await graphOf(file('terminate-end'));
    expect(graph.nodes.End_Terminate!.event).toEqual({ type: 'terminate' });
    expect(graph.nodes.Task_Slow!.job?.topic).toBe('slow');
  });

  it('io-mapping: inputs and outputs as expressions', async () => {
    const graph = await graphOf(file('io-mapping'));
    const io = graph.nodes.Task_Io!.io!;
    expect(io.inputs.map((m) => m.target)).toEqual(['customerId', 'limit']);
    expect(io.outputs.map((m) => m.target)).toEqual(['approved']);
    expect(io.inputs[0]!.source).toEqual(flavour === 'c7' ? { language: 'juel', source: '${customer.id}' } : { language: 'feel', source: 'customer.id' });
    expect(io.inputs[1]!.source).toEqual(flavour === 'c7' ? { language: 'literal', source: '100' } : { language: 'feel', source: '100' });
  });

  it('timer-intermediate: a PT5M duration', async () => {
    const graph = await graphOf(file('timer-intermediate'));
    expect(graph.nodes.Timer_Wait).toMatchObject({
      kind: 'intermediateCatchEvent',
      event: { type: 'timer', timer: { kind: 'duration', expression: { language: 'literal', source: 'PT5M' } } },
    });
  });

  it('message-catch: MODEL_APPROVED', async () => {
    const graph = await graphOf(file('message-catch'));
    const event = graph.nodes.Catch_Approved!.event!;
    expect(event).toMatchObject({ type: 'message', messageName: 'MODEL_APPROVED' });
    if (flavour === 'c8') expect(event.correlationKey).toEqual({ language: 'feel', source: 'modelId' });
  });

  it('signal-start: MODEL_DATA_DRIFT', async () => {
    const graph = await graphOf(file('signal-start'));
    expect(graph.nodes.Start_Drift!.event).toEqual({ type: 'signal', signalName: 'MODEL_DATA_DRIFT' });
    expect(graph.scope.startEvents).toEqual(['Start_Drift']);
  });

  it('call-activity: parent calls child', async () => {
    const graph = await graphOf(file('call-activity'));
    const call = graph.nodes.Call_Child!.callActivity!;
    expect(call.calledElement).toEqual({ language: 'literal', source: pid('CallChild') });
    expect(call.binding).toBe('latest');
    expect(call.outputAll).toBe(true);
    if (flavour === 'c7') {
      expect(call.inputAll).toBe(false);
      expect(call.inputs).toEqual([
        // source="modelId" reads the variable (undefined passes null), sourceExpression evaluates
        { target: 'modelId', source: { language: 'juel', source: '${modelId}' }, variable: 'modelId' },
        { target: 'limit', source: { language: 'juel', source: '${threshold * 2}' } },
      ]);
      expect(call.businessKey).toEqual({ language: 'juel', source: '#{execution.processBusinessKey}' });
    } else {
      expect(call.inputAll).toBe(true);
      expect(graph.nodes.Call_Child!.io?.inputs).toEqual([{ target: 'limit', source: { language: 'feel', source: 'threshold * 2' } }]);
    }
    const child = await graphOf(`call-activity-child.${flavour}.bpmn`);
    expect(child.id).toBe(pid('CallChild'));
  });

  it('multi-instance: parallel over a collection, sequential second task', async () => {
    const graph = await graphOf(file('multi-instance'));
    const each = graph.nodes.Task_Each!.multiInstance!;
    expect(each.sequential).toBe(false);
    expect(each.elementVariable).toBe('model');
    expect(each.collection).toEqual(flavour === 'c7' ? { language: 'juel', source: '${models}' } : { language: 'feel', source: 'models' });
    const seq = graph.nodes.Task_Seq!.multiInstance!;
    expect(seq.sequential).toBe(true);
    if (flavour === 'c7') {
      expect(each.completionCondition?.language).toBe('juel');
      expect(seq.loopCardinality).toEqual({ language: 'literal', source: '3' });
    } else {
      expect(each.outputCollection).toBe('scores');
      expect(each.outputElement).toEqual({ language: 'feel', source: 'score' });
    }
  });

  it('event-subprocess: interrupting message and non-interrupting timer', async () => {
    const graph = await graphOf(file('event-subprocess'));
    expect(graph.scope).toEqual({ triggeredByEvent: false, startEvents: ['Start'], eventSubProcesses: ['EventSub_Cancel', 'EventSub_Remind'] });
    expect(graph.nodes.EventSub_Cancel!.scope).toEqual({ triggeredByEvent: true, startEvents: ['EventSub_Cancel_Start'], eventSubProcesses: [] });
    expect(graph.nodes.EventSub_Cancel_Start).toMatchObject({ interrupting: true, event: { type: 'message', messageName: 'CANCEL_REVIEW' } });
    expect(graph.nodes.EventSub_Remind_Start).toMatchObject({
      interrupting: false,
      event: { type: 'timer', timer: { kind: 'cycle', expression: { source: 'R/PT1H' } } },
    });
    expect(graph.nodes.EventSub_Remind_Task!.parent).toBe('EventSub_Remind');
  });
});

describe('several processes per file', () => {
  it('compiles every executable process of a collaboration, named after its participant if unnamed', async () => {
    const result = await compileFixture('collaboration.bpmn');
    expect(result.errors).toEqual([]);
    expect(result.processes.map((p) => [p.id, p.name])).toEqual([
      ['Collab_Train', 'Train'],
      ['Collab_Deploy', 'Deployment'],
    ]);
    expect(result.processes[1]!.nodes.Deploy_Task!.job?.topic).toBe('deploy');
  });
});

describe('graphs are plain JSON', () => {
  const names = FLAVOURS.flatMap((f) =>
    ['service-task', 'exclusive-gateway', 'parallel', 'parallel-join-via-xor', 'inclusive', 'user-task', 'script-task', 'sub-process',
      'error-boundary', 'terminate-end', 'io-mapping', 'timer-intermediate', 'message-catch', 'signal-start', 'call-activity',
      'call-activity-child', 'multi-instance', 'event-subprocess'].map((n) => `${n}.${f}.bpmn`),
  );
  it.each(names)('%s survives JSON round trip and has no warnings', async (name) => {
    const result = await compileFixture(name);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.processes))).toStrictEqual(result.processes);
  });
});
