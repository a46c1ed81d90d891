import { describe, it, expect, afterEach } from 'vitest';
import { BpmnError, compileBpmn, Engine, type Variables } from '../../src/index.js';
import { camundaActivityType } from '../../src/http/activity-types.js';
import { engineWith, fixture, flavours, processId, historyOf, activeElements } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

interface Call {
  topic: string;
  variables: Variables;
}

/** Registers a recording handler per topic; `behaviour` may return variables or throw. */
function record(engine: Engine, topics: string[], behaviour: Record<string, (variables: Variables) => Variables | void> = {}): Call[] {
  const calls: Call[] = [];
  for (const topic of topics) {
    engine.handle(topic, (job) => {
      calls.push({ topic, variables: { ...job.variables } });
      const variables = behaviour[topic]?.(job.variables);
      return variables ? { variables } : undefined;
    });
  }
  return calls;
}

function compensationRows(engine: Engine, instanceId: string): number {
  return (engine.db.prepare('SELECT count(*) AS n FROM compensations WHERE instance_id = ?').get(instanceId) as { n: number }).n;
}

function handlersStarted(engine: Engine, instanceId: string): Array<{ handler: string; activity: string }> {
  return historyOf(engine, instanceId)
    .filter((row) => row.kind === 'compensationHandlerStarted')
    .map((row) => ({ handler: row.element_id!, activity: (JSON.parse(row.data!) as { activity: string }).activity }));
}

describe.each(flavours)('compensation (%s)', (flavour) => {
  const topics = ['book', 'charge', 'undo-book', 'undo-charge', 'after'];

  it('compiles the handlers associated with compensation boundary events and the throw events', async () => {
    const { processes, errors, warnings } = await compileBpmn(fixture(`compensation-throw.${flavour}.bpmn`));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const graph = processes[0]!;
    expect(graph.nodes.Task_Book!.compensationHandler).toBe('Undo_Book');
    expect(graph.nodes.Task_Charge!.compensationHandler).toBe('Undo_Charge');
    expect(graph.nodes.Undo_Book).toMatchObject({ isForCompensation: true, incoming: [], outgoing: [] });
    expect(graph.nodes.Throw_All!.event).toEqual({ type: 'compensation', waitForCompletion: true });
    expect(graph.nodes.End_Refund!.event).toEqual({ type: 'compensation', activityRef: 'Task_Charge', waitForCompletion: true });
    // Camunda 7's activity types, as the history API and Cockpit name them
    expect(['Throw_All', 'End_Refund', 'Boundary_CompBook'].map((id) => camundaActivityType(graph.nodes[id]))).toEqual([
      'intermediateCompensationThrowEvent', 'compensationEndEvent', 'compensationBoundaryCatch',
    ]);
  });

  it('a throw event compensates the completed activities newest first, each handler with the snapshot of its activity, then goes on', async () => {
    engine = await engineWith([`compensation-throw.${flavour}.bpmn`]);
    // charge changes the live price after its input mapping took `amount`: the refund sees the snapshot
    const calls = record(engine, topics, { charge: () => ({ price: 0 }) });
    const instance = await engine.start(processId('CompensationThrow', flavour), { variables: { orderId: 'o1', price: 42, outcome: 'undo' } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['book', 'charge', 'undo-charge', 'undo-book', 'after']);
    const refund = calls.find((call) => call.topic === 'undo-charge')!;
    expect(refund.variables).toMatchObject({ amount: 42, price: 0 });
    expect(calls.find((call) => call.topic === 'undo-book')!.variables).toMatchObject({ bookingRef: 'o1-booking' });
    // the snapshot is the handler's own: it is not left behind in the process scope
    expect(engine.variables(instance.id)).not.toHaveProperty('amount');
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End_Undone' });
    expect(handlersStarted(engine, instance.id)).toEqual([
      { handler: 'Undo_Charge', activity: 'Task_Charge' },
      { handler: 'Undo_Book', activity: 'Task_Book' },
    ]);
    const thrown = historyOf(engine, instance.id).find((row) => row.kind === 'compensationThrown')!;
    expect(thrown.element_id).toBe('Throw_All');
    expect(JSON.parse(thrown.data!)).toEqual({ activityRef: null, activities: ['Task_Charge', 'Task_Book'] });
    expect(compensationRows(engine, instance.id)).toBe(0);
  });

  it('the throw event waits while a handler waits for a worker, and each activity is compensated once', async () => {
    engine = await engineWith([`compensation-throw.${flavour}.bpmn`]);
    const calls = record(engine, ['book', 'charge', 'undo-charge', 'after']);
    const instance = await engine.start(processId('CompensationThrow', flavour), { variables: { orderId: 'o2', price: 5, outcome: 'undo' } });
    await engine.whenIdle();
    // undo-book has no handler: its job waits for a remote worker, the throw event waits for it
    expect(activeElements(engine, instance.id).sort()).toEqual(['Throw_All', 'Undo_Book']);
    expect(calls.map((call) => call.topic)).toEqual(['book', 'charge', 'undo-charge']);
    expect(compensationRows(engine, instance.id)).toBe(0);
    engine.handle('undo-book', () => undefined);
    await engine.whenIdle();
    expect(engine.instance(instance.id).state).toBe('completed');
    expect(calls.map((call) => call.topic)).toEqual(['book', 'charge', 'undo-charge', 'after']);
  });

  it('waitForCompletion="false": the throw event goes on at once, the handlers run next to it', async () => {
    const xml = fixture(`compensation-throw.${flavour}.bpmn`).replace('<bpmn:compensateEventDefinition id="Throw_All_def" />', '<bpmn:compensateEventDefinition id="Throw_All_def" waitForCompletion="false" />');
    engine = await Engine.open();
    await engine.deploy({ name: 'no-wait', resources: [{ name: 'no-wait.bpmn', content: xml }] });
    const calls = record(engine, ['book', 'charge', 'undo-charge', 'after']);
    const instance = await engine.start(processId('CompensationThrow', flavour), { variables: { orderId: 'w1', price: 1, outcome: 'undo' } });
    await engine.whenIdle();
    // the token went on to `after` without waiting for the booking's undo (it has no handler yet)
    expect(calls.map((call) => call.topic).sort()).toEqual(['after', 'book', 'charge', 'undo-charge']);
    expect(activeElements(engine, instance.id)).toEqual(['Undo_Book']);
    engine.handle('undo-book', () => undefined);
    await engine.whenIdle();
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed' });
  });

  it('an end event with activityRef compensates only that activity; nothing completed, nothing compensated', async () => {
    engine = await engineWith([`compensation-throw.${flavour}.bpmn`]);
    const calls = record(engine, topics);
    const refund = await engine.start(processId('CompensationThrow', flavour), { variables: { orderId: 'o3', price: 7, outcome: 'refund' } });
    const ok = await engine.start(processId('CompensationThrow', flavour), { variables: { orderId: 'o4', price: 7, outcome: 'ok' } });
    await engine.whenIdle();
    expect(calls.filter((call) => call.variables.orderId === 'o3').map((call) => call.topic)).toEqual(['book', 'charge', 'undo-charge']);
    expect(engine.instance(refund.id)).toMatchObject({ state: 'completed', endElementId: 'End_Refund' });
    expect(calls.filter((call) => call.variables.orderId === 'o4').map((call) => call.topic)).toEqual(['book', 'charge']);
    expect(engine.instance(ok.id)).toMatchObject({ state: 'completed', endElementId: 'End_Ok' });
    // an ended instance keeps no compensation subscriptions (Task_Book of the refund was never compensated)
    expect(compensationRows(engine, refund.id)).toBe(0);
    expect(compensationRows(engine, ok.id)).toBe(0);
  });

  it('an error boundary flow compensates a whole completed sub-process through its inner handlers, newest first', async () => {
    engine = await engineWith([`compensation-sub-process.${flavour}.bpmn`]);
    const calls = record(engine, ['reserve', 'pay', 'undo-reserve', 'undo-pay', 'ship'], {
      ship: () => {
        throw new BpmnError('SHIP_FAILED', 'no courier');
      },
    });
    const instance = await engine.start(processId('CompensationSubProcess', flavour), { variables: { orderId: 's1' } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['reserve', 'pay', 'ship', 'undo-pay', 'undo-reserve']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End_Compensated' });
    expect(handlersStarted(engine, instance.id).map((row) => row.activity)).toEqual(['Task_Pay', 'Task_Reserve']);
  });

  it('a multi-instance activity is compensated once per completed iteration, newest first, each with its element', async () => {
    engine = await engineWith([`compensation-multi-instance.${flavour}.bpmn`]);
    const calls = record(engine, ['deploy-region', 'undeploy-region']);
    const instance = await engine.start(processId('CompensationMultiInstance', flavour), { variables: { regions: ['eu', 'us', 'ap'] } });
    await engine.whenIdle();
    expect(calls.map((call) => `${call.topic}:${call.variables.region}`)).toEqual([
      'deploy-region:eu', 'deploy-region:us', 'deploy-region:ap',
      'undeploy-region:ap', 'undeploy-region:us', 'undeploy-region:eu',
    ]);
    expect(calls.filter((call) => call.topic === 'undeploy-region').map((call) => call.variables.loopCounter)).toEqual([2, 1, 0]);
    expect(engine.instance(instance.id).state).toBe('completed');
  });

  it('an error event sub-process compensates the completed activities of its scope', async () => {
    engine = await engineWith([`compensation-error-event-sub-process.${flavour}.bpmn`]);
    const calls = record(engine, ['a', 'b', 'undo-a'], {
      b: () => {
        throw new BpmnError('FAIL', 'b failed');
      },
    });
    const instance = await engine.start(processId('CompensationErrorEventSubProcess', flavour));
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['a', 'b', 'undo-a']);
    // the event sub-process ended the instance (Camunda 7 names it as the instance's end activity)
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'Event_Failure' });
    expect(compensationRows(engine, instance.id)).toBe(0);
  });
});

describe('compensation event sub-process (c7)', () => {
  it('compensating a sub-process runs its compensation event sub-process with the sub-process variables, which compensates inside', async () => {
    engine = await engineWith(['compensation-event-sub-process.c7.bpmn']);
    const calls = record(engine, ['a', 'notify', 'undo-a']);
    const instance = await engine.start('CompensationEventSubProcessC7', { variables: { orderId: 'e1' } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['a', 'notify', 'undo-a']);
    // `ticket` was local to the completed sub-process: both see its snapshot
    expect(calls[1]!.variables).toMatchObject({ ticket: 'e1-ticket' });
    expect(calls[2]!.variables).toMatchObject({ ticket: 'e1-ticket' });
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End' });
    expect(handlersStarted(engine, instance.id)).toEqual([
      { handler: 'Sub_Compensation', activity: 'Sub' },
      { handler: 'Undo_A', activity: 'Task_A' },
    ]);
  });

  it('Camunda 8 refuses a compensation event sub-process at deploy, naming it', async () => {
    const xml = fixture('compensation-event-sub-process.c7.bpmn')
      .replace('modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0"', 'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0"');
    const { errors } = await compileBpmn(xml);
    expect(errors.map((e) => `${e.elementId}: ${e.message}`)).toContain(
      'Sub_Compensation: Compensation event sub-processes are not supported by Camunda 8 (Zeebe): attach a compensation boundary event to the sub-process instead',
    );
  });
});

describe('transaction sub-process (c7)', () => {
  const topics = ['reserve', 'charge', 'undo-reserve', 'undo-charge', 'notify-cancel'];

  it('a cancel end event compensates the transaction newest first, then leaves by the cancel boundary event', async () => {
    engine = await engineWith(['transaction.c7.bpmn']);
    const calls = record(engine, topics);
    const instance = await engine.start('TransactionC7', { variables: { cancel: true } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['reserve', 'charge', 'undo-charge', 'undo-reserve', 'notify-cancel']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End_Cancelled' });
    const history = historyOf(engine, instance.id);
    expect(history.find((row) => row.kind === 'transactionCancelled')).toMatchObject({ element_id: 'Tx' });
    expect(history.find((row) => row.kind === 'activityTerminated' && row.element_id === 'Tx')).toBeDefined();
    const graph = (await compileBpmn(fixture('transaction.c7.bpmn'))).processes[0]!;
    expect(['Tx', 'Tx_Cancel', 'Boundary_Cancelled'].map((id) => camundaActivityType(graph.nodes[id]))).toEqual(['transaction', 'cancelEndEvent', 'cancelBoundaryCatch']);
  });

  it('a transaction that completes compensates nothing', async () => {
    engine = await engineWith(['transaction.c7.bpmn']);
    const calls = record(engine, topics);
    const instance = await engine.start('TransactionC7', { variables: { cancel: false } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['reserve', 'charge']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End_Booked' });
  });

  it('a hazard (an error) leaves by the error boundary event without compensation', async () => {
    engine = await engineWith(['transaction.c7.bpmn']);
    const calls = record(engine, topics, {
      charge: () => {
        throw new BpmnError('HAZARD', 'card system down');
      },
    });
    const instance = await engine.start('TransactionC7', { variables: { cancel: true } });
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['reserve', 'charge']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'End_Hazard' });
    expect(compensationRows(engine, instance.id)).toBe(0);
  });

  it('Camunda 8 refuses the transaction and its cancel events at deploy, naming each', async () => {
    engine = await Engine.open();
    const error = await engine.deploy({ name: 'tx', resources: [{ name: 'transaction.c8.bpmn', content: fixture('transaction.c8.bpmn') }] }).then(() => null, (e: Error) => e);
    expect(error?.message).toContain('Transaction sub-processes are not supported by Camunda 8 (Zeebe)');
    expect(error?.message).toMatch(/Tx_Cancel/);
    expect(error?.message).toMatch(/Boundary_Cancelled/);
  });
});

describe('compensation handlers that are scopes (c7)', () => {
  it('a sub-process handler runs its steps in order, then the next handler starts', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="SubHandler" isExecutable="true">
    <bpmn:startEvent id="S" />
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="A" />
    <bpmn:serviceTask id="A" camunda:type="external" camunda:topic="a" />
    <bpmn:boundaryEvent id="CA" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
    <bpmn:subProcess id="UndoA" isForCompensation="true">
      <bpmn:startEvent id="US" />
      <bpmn:sequenceFlow id="u1" sourceRef="US" targetRef="U1" />
      <bpmn:serviceTask id="U1" camunda:type="external" camunda:topic="undo-a-1" />
      <bpmn:sequenceFlow id="u2" sourceRef="U1" targetRef="U2" />
      <bpmn:serviceTask id="U2" camunda:type="external" camunda:topic="undo-a-2" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="A" targetRef="B" />
    <bpmn:serviceTask id="B" camunda:type="external" camunda:topic="b" />
    <bpmn:boundaryEvent id="CB" attachedToRef="B"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
    <bpmn:callActivity id="UndoB" isForCompensation="true" calledElement="UndoChild" />
    <bpmn:sequenceFlow id="f3" sourceRef="B" targetRef="T" />
    <bpmn:intermediateThrowEvent id="T"><bpmn:compensateEventDefinition /></bpmn:intermediateThrowEvent>
    <bpmn:sequenceFlow id="f4" sourceRef="T" targetRef="E" />
    <bpmn:endEvent id="E" />
    <bpmn:association id="x1" sourceRef="CA" targetRef="UndoA" />
    <bpmn:association id="x2" sourceRef="CB" targetRef="UndoB" />
  </bpmn:process>
  <bpmn:process id="UndoChild" isExecutable="true">
    <bpmn:startEvent id="CS" />
    <bpmn:sequenceFlow id="c1" sourceRef="CS" targetRef="C1" />
    <bpmn:serviceTask id="C1" camunda:type="external" camunda:topic="undo-b" />
  </bpmn:process>
</bpmn:definitions>`;
    engine = await Engine.open();
    await engine.deploy({ name: 'handlers', resources: [{ name: 'handlers.bpmn', content: xml }] });
    const calls = record(engine, ['a', 'b', 'undo-a-1', 'undo-a-2', 'undo-b']);
    const instance = await engine.start('SubHandler');
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['a', 'b', 'undo-b', 'undo-a-1', 'undo-a-2']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'E' });
  });
});

describe('compensation inside a sub-process (c7)', () => {
  it('a throw inside a running sub-process compensates only what completed in it, not the activities outside', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="Inner" isExecutable="true">
    <bpmn:startEvent id="S" />
    <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Outer" />
    <bpmn:serviceTask id="Outer" camunda:type="external" camunda:topic="outer" />
    <bpmn:boundaryEvent id="CO" attachedToRef="Outer"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
    <bpmn:serviceTask id="UndoOuter" isForCompensation="true" camunda:type="external" camunda:topic="undo-outer" />
    <bpmn:sequenceFlow id="f2" sourceRef="Outer" targetRef="Sub" />
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="SS" />
      <bpmn:sequenceFlow id="s1" sourceRef="SS" targetRef="InnerTask" />
      <bpmn:serviceTask id="InnerTask" camunda:type="external" camunda:topic="inner" />
      <bpmn:boundaryEvent id="CI" attachedToRef="InnerTask"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>
      <bpmn:serviceTask id="UndoInner" isForCompensation="true" camunda:type="external" camunda:topic="undo-inner" />
      <bpmn:sequenceFlow id="s2" sourceRef="InnerTask" targetRef="SubThrow" />
      <bpmn:endEvent id="SubThrow"><bpmn:compensateEventDefinition /></bpmn:endEvent>
      <bpmn:association id="x2" sourceRef="CI" targetRef="UndoInner" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f3" sourceRef="Sub" targetRef="E" />
    <bpmn:endEvent id="E" />
    <bpmn:association id="x1" sourceRef="CO" targetRef="UndoOuter" />
  </bpmn:process>
</bpmn:definitions>`;
    engine = await Engine.open();
    await engine.deploy({ name: 'inner', resources: [{ name: 'inner.bpmn', content: xml }] });
    const calls = record(engine, ['outer', 'inner', 'undo-inner', 'undo-outer']);
    const instance = await engine.start('Inner');
    await engine.whenIdle();
    expect(calls.map((call) => call.topic)).toEqual(['outer', 'inner', 'undo-inner']);
    expect(engine.instance(instance.id)).toMatchObject({ state: 'completed', endElementId: 'E' });
  });
});

describe('compensation: diagrams refused at deploy', () => {
  const process = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="S" />
    ${body}
  </bpmn:process>
</bpmn:definitions>`;
  const errorsOf = async (body: string) => (await compileBpmn(process(body))).errors.map((e) => `${e.elementId}: ${e.message}`);

  it.each([
    [
      '<bpmn:task id="A" /><bpmn:boundaryEvent id="B" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>',
      'B: Compensation boundary event has no compensation handler: associate an activity marked isForCompensation',
    ],
    [
      '<bpmn:task id="A" /><bpmn:boundaryEvent id="B" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent><bpmn:task id="U" /><bpmn:association id="X" sourceRef="B" targetRef="U" />',
      "B: Compensation boundary event is associated with 'U', which is not a compensation handler: mark it isForCompensation=\"true\"",
    ],
    [
      '<bpmn:task id="A" /><bpmn:boundaryEvent id="B" attachedToRef="A"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent><bpmn:task id="U" isForCompensation="true" /><bpmn:association id="X" sourceRef="B" targetRef="U" /><bpmn:endEvent id="E" /><bpmn:sequenceFlow id="F" sourceRef="U" targetRef="E" />',
      'U: A compensation handler (isForCompensation) must not have incoming or outgoing sequence flows',
    ],
    [
      '<bpmn:subProcess id="Sub"><bpmn:startEvent id="SS" /><bpmn:task id="Inner" /></bpmn:subProcess><bpmn:intermediateThrowEvent id="T"><bpmn:compensateEventDefinition activityRef="Inner" /></bpmn:intermediateThrowEvent>',
      "T: Compensation activityRef 'Inner' must name an activity in the same scope as the throw event",
    ],
    [
      '<bpmn:endEvent id="C"><bpmn:cancelEventDefinition /></bpmn:endEvent>',
      'C: A cancel end event is only allowed directly inside a transaction sub-process',
    ],
    [
      '<bpmn:subProcess id="E" triggeredByEvent="true"><bpmn:startEvent id="ES"><bpmn:compensateEventDefinition /></bpmn:startEvent></bpmn:subProcess>',
      'E: A compensation event sub-process must be inside a sub-process (it compensates that sub-process)',
    ],
  ])('%#: refused with the element named', async (body, expected) => {
    expect(await errorsOf(body)).toContain(expected);
  });
});
