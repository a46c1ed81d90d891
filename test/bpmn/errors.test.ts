import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { around, compileFixture, fixture, lineOf, processXml } from './helpers.js';

describe('broken fixtures', () => {
  it('broken-malformed: one error with line and column, no processes', async () => {
    const xml = fixture('broken-malformed.bpmn');
    const result = await compileBpmn(xml);
    expect(result.processes).toEqual([]);
    expect(result.errors).toEqual([
      { message: 'Malformed XML: closing tag mismatch at </bpmn:process>', line: lineOf(xml, '</bpmn:process>'), column: 3 },
    ]);
  });

  it('broken-unknown-element: the implicit throw event is named', async () => {
    const xml = fixture('broken-unknown-element.bpmn');
    const { errors } = await compileBpmn(xml);
    expect(errors).toEqual([
      {
        message: 'Unsupported element bpmn:ImplicitThrowEvent: implicit throw events are not supported',
        elementId: 'Event_Implicit',
        elementType: 'bpmn:ImplicitThrowEvent',
        line: lineOf(xml, '<bpmn:implicitThrowEvent'),
        column: 5,
      },
    ]);
  });

  it('broken-expression: the flow with the unparsable condition', async () => {
    const xml = fixture('broken-expression.bpmn');
    const { errors } = await compileBpmn(xml);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ elementId: 'Flow_Bad', elementType: 'bpmn:SequenceFlow', line: lineOf(xml, 'id="Flow_Bad"'), column: 5 });
    expect(errors[0]!.message).toContain("Invalid condition '${score > }'");
  });

  it('broken-gateway: gateway without outgoing flow', async () => {
    const xml = fixture('broken-gateway.bpmn');
    const { errors } = await compileBpmn(xml);
    expect(errors).toEqual([
      {
        message: 'Event based gateway has no outgoing sequence flow',
        elementId: 'Gateway_DeadEnd',
        elementType: 'bpmn:EventBasedGateway',
        line: lineOf(xml, 'id="Gateway_DeadEnd"'),
        column: 5,
      },
    ]);
  });

  it('broken-no-topic', async () => {
    const xml = fixture('broken-no-topic.bpmn');
    const { errors } = await compileBpmn(xml);
    expect(errors).toEqual([
      {
        message: 'Service task has no handler topic: set camunda:topic (with camunda:type="external") or zeebe:taskDefinition type',
        elementId: 'Task',
        elementType: 'bpmn:ServiceTask',
        line: lineOf(xml, '<bpmn:serviceTask'),
        column: 5,
      },
    ]);
  });

  it('broken-groovy', async () => {
    const { errors } = await compileFixture('broken-groovy.bpmn');
    expect(errors).toMatchObject([
      {
        message:
          "Script format 'groovy' is not supported: script tasks evaluate expressions only (JUEL with camunda:resultVariable, or zeebe:script FEEL)",
        elementId: 'Task',
        elementType: 'bpmn:ScriptTask',
      },
    ]);
  });

  it('broken-java-class', async () => {
    const { errors } = await compileFixture('broken-java-class.bpmn');
    expect(errors).toMatchObject([
      { message: 'Java delegates (camunda:class) cannot run here: use camunda:type="external" with a topic', elementId: 'Task' },
    ]);
  });

  it('not-executable', async () => {
    const result = await compileFixture('not-executable.bpmn');
    expect(result.processes).toEqual([]);
    expect(result.errors).toEqual([{ message: 'No executable process: set isExecutable="true" on at least one process' }]);
  });
});

async function errorsOf(xml: string): Promise<string[]> {
  const result = await compileBpmn(xml);
  return result.errors.map((e) => `${e.elementId ?? '-'}: ${e.message}`);
}

describe('reading XML', () => {
  it('rejects DOCTYPE and ENTITY declarations (XXE, billion laughs)', async () => {
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>`;
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([{ message: 'DOCTYPE and ENTITY declarations are not allowed in BPMN documents', line: 2, column: 1 }]);
  });

  it('malformed XML gives line and column, never a throw', async () => {
    const xml = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <bpmn:process id="a">\n    <bpmn:task id="x">\n  </bpmn:process>\n</bpmn:definitions>';
    const { errors } = await compileBpmn(xml);
    expect(errors).toEqual([{ message: 'Malformed XML: closing tag mismatch at </bpmn:process>', line: 4, column: 3 }]);
    expect((await compileBpmn('not xml')).errors[0]).toMatchObject({ line: 1, column: 1 });
    expect((await compileBpmn('')).errors).toHaveLength(1);
    expect((await compileBpmn('<foo/>')).errors[0]!.message).toMatch(/Malformed XML/);
  });

  it('an unknown BPMN element is an error with its tag and position', async () => {
    const xml = processXml('    <bpmn:startEvent id="S" />\n    <bpmn:magicTask id="M" />');
    const result = await compileBpmn(xml);
    expect(result.errors).toContainEqual({
      message: 'Unknown element bpmn:magicTask: not part of BPMN 2.0 or the Camunda extensions',
      elementType: 'bpmn:magicTask',
      line: lineOf(xml, '<bpmn:magicTask'),
      column: 5,
    });
  });

  it('duplicate ids are errors', async () => {
    const xml = processXml('    <bpmn:startEvent id="S" />\n    <bpmn:endEvent id="S" />');
    const { errors } = await compileBpmn(xml);
    expect(errors).toContainEqual(expect.objectContaining({ message: "Duplicate id 'S'", elementId: 'S', line: lineOf(xml, '<bpmn:endEvent') }));
  });

  it('collects problems from every process of a file', async () => {
    const xml = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">
  <bpmn:process id="A" isExecutable="true"><bpmn:startEvent id="A_S" /><bpmn:serviceTask id="A_T" /><bpmn:sequenceFlow id="A_F" sourceRef="A_S" targetRef="A_T" /></bpmn:process>
  <bpmn:process id="B" isExecutable="true"><bpmn:startEvent id="B_S" /><bpmn:eventBasedGateway id="B_G" /><bpmn:sequenceFlow id="B_F" sourceRef="B_S" targetRef="B_G" /></bpmn:process>
  <bpmn:process id="C" isExecutable="false"><bpmn:serviceTask id="C_T" /></bpmn:process>
</bpmn:definitions>`;
    const result = await compileBpmn(xml);
    expect(result.processes.map((p) => p.id)).toEqual(['A', 'B']);
    expect(result.errors.map((e) => e.elementId)).toEqual(['A_T', 'B_G']);
    expect(result.errors.every((e) => e.line === 2 || e.line === 3)).toBe(true);
  });
});

describe('validation', () => {
  it('exclusive gateway: a non-default flow without condition is legal; default flow problems', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" />
    <bpmn:exclusiveGateway id="G" default="F_Cond" />
    <bpmn:endEvent id="E1" /><bpmn:endEvent id="E2" /><bpmn:endEvent id="E3" />
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G" />
    <bpmn:sequenceFlow id="F_Cond" sourceRef="G" targetRef="E1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${a}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F_Bare" sourceRef="G" targetRef="E2" />
    <bpmn:sequenceFlow id="F_Ok" sourceRef="G" targetRef="E3"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${b}</bpmn:conditionExpression></bpmn:sequenceFlow>`);
    expect(await errorsOf(xml)).toEqual([
      "G: Default flow 'F_Cond' must not have a condition",
    ]);
  });

  it('a default flow that does not leave the element', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:exclusiveGateway id="G" default="F0" /><bpmn:endEvent id="E" />
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G" /><bpmn:sequenceFlow id="F1" sourceRef="G" targetRef="E" />`);
    expect(await errorsOf(xml)).toEqual(["G: Default flow 'F0' is not an outgoing sequence flow of this element"]);
  });

  it('condition languages other than JUEL and FEEL', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:exclusiveGateway id="G" default="F2" /><bpmn:endEvent id="E" /><bpmn:endEvent id="E2" />
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G" />
    <bpmn:sequenceFlow id="F1" sourceRef="G" targetRef="E"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" language="groovy">a &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E2" />`);
    const errors = await errorsOf(xml);
    expect(errors[0]).toBe("F1: Condition language 'groovy' is not supported: write a JUEL (${...}) or FEEL (=...) expression");
  });

  it('start events: none, several none starts, none in a sub-process, trigger in an event sub-process', async () => {
    expect(await errorsOf(processXml('    <bpmn:endEvent id="E" />'))).toContain('P: Process has no start event');
    expect(await errorsOf(processXml('    <bpmn:startEvent id="S1" /><bpmn:startEvent id="S2" />'))).toEqual([
      "S2: Process has more than one none start event ('S1' and 'S2')",
    ]);
    expect(
      await errorsOf(processXml(`    <bpmn:startEvent id="S" /><bpmn:subProcess id="Sub"><bpmn:task id="X" /></bpmn:subProcess>
    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="Sub" />`)),
    ).toEqual(['Sub: Sub-process has no none start event']);
    expect(
      await errorsOf(processXml(`    <bpmn:startEvent id="S" /><bpmn:subProcess id="ESP" triggeredByEvent="true"><bpmn:startEvent id="ES" /></bpmn:subProcess>`)),
    ).toEqual(['ES: The start event of an event sub-process needs a trigger (message, timer, signal, error or escalation)']);
  });

  it('message, signal and error events must name what they carry', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" />
    <bpmn:intermediateCatchEvent id="M"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateThrowEvent id="Sig"><bpmn:signalEventDefinition /></bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="Err"><bpmn:errorEventDefinition errorRef="Error_NoCode" /></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="M" /><bpmn:sequenceFlow id="F2" sourceRef="M" targetRef="Sig" /><bpmn:sequenceFlow id="F3" sourceRef="Sig" targetRef="Err" />`,
      '  <bpmn:error id="Error_NoCode" name="no code" />');
    expect(await errorsOf(xml)).toEqual([
      'M: Message event has no message name: reference a bpmn:message with a name',
      'Sig: Signal event has no signal name: reference a bpmn:signal with a name',
    ]);
  });

  it('an error catch without errorRef catches everything', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:serviceTask id="T" camunda:type="external" camunda:topic="t" /><bpmn:endEvent id="E" />
    <bpmn:boundaryEvent id="B" attachedToRef="T" cancelActivity="false"><bpmn:errorEventDefinition /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" /><bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" /><bpmn:sequenceFlow id="F3" sourceRef="B" targetRef="E" />`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(result.processes[0]!.nodes.B).toMatchObject({ event: { type: 'error' }, cancelActivity: false, attachedTo: 'T' });
    expect(result.processes[0]!.nodes.B!.event!.errorCode).toBeUndefined();
  });

  it('boundary event without attachedToRef', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:boundaryEvent id="B"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>`);
    expect(await errorsOf(xml)).toContain('B: Boundary event is not attached to an activity: set attachedToRef');
  });

  it('bad timer literal', async () => {
    const xml = around('<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDuration>five minutes</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>');
    const errors = await errorsOf(xml);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^T: Invalid timer timeDuration 'five minutes': /);
  });

  it('event-based gateway targets must be catch events', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:eventBasedGateway id="G" /><bpmn:task id="X" />
    <bpmn:intermediateCatchEvent id="Tm"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="G" /><bpmn:sequenceFlow id="F1" sourceRef="G" targetRef="X" /><bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="Tm" />`);
    expect(await errorsOf(xml)).toEqual([
      "G: Event-based gateway leads to 'X' (bpmn:Task): its targets must be intermediate catch events (message, timer, signal) or receive tasks",
    ]);
  });

  it('link throw without a matching catch', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:intermediateThrowEvent id="L"><bpmn:linkEventDefinition name="next" /></bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="C"><bpmn:linkEventDefinition name="other" /></bpmn:intermediateCatchEvent><bpmn:endEvent id="E" />
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="L" /><bpmn:sequenceFlow id="F1" sourceRef="C" targetRef="E" />`);
    expect(await errorsOf(xml)).toEqual(["L: Link throw event 'next' has no matching link catch event in the same scope"]);
  });

  it('unsupported elements and definitions', async () => {
    const cases: Array<[string, string]> = [
      ['<bpmn:transaction id="T"><bpmn:startEvent id="TS" /><bpmn:endEvent id="TE"><bpmn:cancelEventDefinition /></bpmn:endEvent></bpmn:transaction>', "TE: Transaction 'T' has a cancel end event but no cancel boundary event to leave by"],
      ['<bpmn:adHocSubProcess id="T" />', 'T: An ad-hoc sub-process must contain at least one activity'],
      ['<bpmn:intermediateCatchEvent id="T"><bpmn:conditionalEventDefinition /></bpmn:intermediateCatchEvent>', 'T: Conditional event has no condition: set a condition expression such as ${approved == true}'],
      ['<bpmn:task id="T"><bpmn:standardLoopCharacteristics /></bpmn:task>', 'T: Standard loop has neither a loopCondition nor a loopMaximum: it would never stop'],
      ['<bpmn:callActivity id="T" />', 'T: Call activity has no called element: set calledElement (or zeebe:calledElement processId) to a process id'],
      ['<bpmn:businessRuleTask id="T" camunda:decisionRef="d" camunda:mapDecisionResult="everything" />', "T: camunda:mapDecisionResult 'everything' is not supported: use singleEntry, singleResult, collectEntries, resultList"],
      ['<bpmn:businessRuleTask id="T" camunda:decisionRef="d" camunda:decisionRefBinding="version" />', 'T: camunda:decisionRefBinding "version" needs camunda:decisionRefVersion'],
      ['<bpmn:serviceTask id="T"><bpmn:extensionElements><zeebe:taskDefinition type="=kind" /></bpmn:extensionElements></bpmn:serviceTask>', "T: zeebe:taskDefinition type '=kind': dynamic job types are not supported"],
      ['<bpmn:scriptTask id="T" scriptFormat="javascript"><bpmn:script>a+b</bpmn:script></bpmn:scriptTask>', "T: Script format 'javascript' is not supported: script tasks evaluate expressions only (JUEL with camunda:resultVariable, or zeebe:script FEEL)"],
      ['<bpmn:scriptTask id="T" scriptFormat="juel" camunda:resource="deployment://x.juel" />', 'T: Script resources (camunda:resource) are not supported: script tasks evaluate expressions only (JUEL with camunda:resultVariable, or zeebe:script FEEL)'],
    ];
    for (const [element, expected] of cases) {
      expect(await errorsOf(around(element)), element).toContain(expected);
    }
  });

  it('camunda:inputOutput: scripts are errors, lists and maps warnings', async () => {
    const xml = around(`<bpmn:task id="T"><bpmn:extensionElements><camunda:inputOutput>
      <camunda:inputParameter name="s"><camunda:script scriptFormat="groovy">1</camunda:script></camunda:inputParameter>
      <camunda:inputParameter name="l"><camunda:list><camunda:value>1</camunda:value></camunda:list></camunda:inputParameter>
      <camunda:outputParameter name="o">\${x}</camunda:outputParameter>
    </camunda:inputOutput></bpmn:extensionElements></bpmn:task>`);
    const result = await compileBpmn(xml);
    expect(result.errors.map((e) => e.message)).toEqual([
      "camunda:inputParameter 's' uses a script: scripts are not supported, write an expression instead",
    ]);
    expect(result.warnings.map((e) => e.message)).toEqual(["camunda:inputParameter 'l' uses camunda:list: not supported, ignored"]);
    expect(result.processes[0]!.nodes.T!.io).toEqual({ inputs: [], outputs: [{ target: 'o', source: { language: 'juel', source: '${x}' } }] });
  });

  it('unreachable elements are warnings', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" /><bpmn:endEvent id="E" /><bpmn:task id="Lonely" />
    <bpmn:subProcess id="Island"><bpmn:startEvent id="IS" /></bpmn:subProcess>
    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" />`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => `${w.elementId}: ${w.message}`)).toEqual([
      'Lonely: Element is not reachable from any start event, boundary event or event sub-process',
      'Island: Element is not reachable from any start event, boundary event or event sub-process',
    ]);
  });
});

describe('settings', () => {
  it('C7 jobs: delegate expressions, retry cycle, priority, properties, async', async () => {
    const xml = around(`<bpmn:serviceTask id="T" camunda:delegateExpression="\${trainModel}" camunda:taskPriority="7" camunda:asyncBefore="true" camunda:asyncAfter="true">
      <bpmn:extensionElements><camunda:failedJobRetryTimeCycle>R5/PT1M</camunda:failedJobRetryTimeCycle>
      <camunda:properties><camunda:property name="model" value="fraud" /></camunda:properties></bpmn:extensionElements></bpmn:serviceTask>`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(result.processes[0]!.nodes.T).toMatchObject({
      asyncBefore: true,
      asyncAfter: true,
      job: { topic: 'trainModel', retries: 5, retryDelay: 'PT1M', priority: 7, headers: { model: 'fraud' } },
    });
    const viaExpression = await compileBpmn(around('<bpmn:sendTask id="T" camunda:expression="${mailer.send(execution)}" />'));
    expect(viaExpression.processes[0]!.nodes.T!.job).toEqual({ topic: 'mailer' });
  });

  it('C8 jobs: retries and headers; message end events with and without a job', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" />
    <bpmn:serviceTask id="T"><bpmn:extensionElements><zeebe:taskDefinition type="train" retries="5" />
      <zeebe:taskHeaders><zeebe:header key="model" value="fraud" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:intermediateThrowEvent id="Plain"><bpmn:messageEventDefinition messageRef="Msg" /></bpmn:intermediateThrowEvent>
    <bpmn:endEvent id="E"><bpmn:extensionElements><zeebe:taskDefinition type="notify" /></bpmn:extensionElements><bpmn:messageEventDefinition /></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" /><bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="Plain" /><bpmn:sequenceFlow id="F3" sourceRef="Plain" targetRef="E" />`,
      '  <bpmn:message id="Msg" name="DONE" />');
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    const nodes = result.processes[0]!.nodes;
    expect(nodes.T!.job).toEqual({ topic: 'train', retries: 5, headers: { model: 'fraud' } });
    expect(nodes.Plain!.job).toBeUndefined();
    expect(nodes.Plain!.event).toEqual({ type: 'message', messageName: 'DONE' });
    expect(nodes.E!.job).toEqual({ topic: 'notify' });
  });

  it('C7 message end event with an external topic on its definition', async () => {
    const result = await compileBpmn(around('<bpmn:intermediateThrowEvent id="T"><bpmn:messageEventDefinition camunda:type="external" camunda:topic="notify" /></bpmn:intermediateThrowEvent>'));
    expect(result.errors).toEqual([]);
    expect(result.processes[0]!.nodes.T!.job).toEqual({ topic: 'notify' });
  });

  it('C7 call activity bindings and camunda:collection as a plain variable name', async () => {
    const xml = around(`<bpmn:callActivity id="T" calledElement="child" camunda:calledElementBinding="version" camunda:calledElementVersion="3">
      <bpmn:extensionElements><camunda:in variables="all" /></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="items" camunda:elementVariable="item" /></bpmn:callActivity>`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    const node = result.processes[0]!.nodes.T!;
    expect(node.callActivity).toMatchObject({ binding: 'version', version: 3, inputAll: true, outputAll: false });
    expect(node.multiInstance).toEqual({ sequential: false, collection: { language: 'juel', source: '${items}' }, elementVariable: 'item' });
  });
});
