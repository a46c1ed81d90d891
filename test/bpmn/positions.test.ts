import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { scanPositions } from '../../src/bpmn/positions.js';
import { processXml } from './helpers.js';

describe('positions', () => {
  it('maps ids of start tags to 1-based line and column, skipping comments and CDATA', () => {
    const xml = [
      '<?xml version="1.0"?>',
      '<!-- <bpmn:task id="InComment"/> -->',
      '<root id="R">',
      '  <a name="x > y" id="A"/>',
      '  <![CDATA[ <b id="InCdata"/> ]]>',
      "\t<c id='C'>",
      '  </c><d xid="no" id="D" />',
      '</root>',
    ].join('\n');
    const positions = scanPositions(xml);
    expect(Object.fromEntries(positions)).toEqual({
      R: { line: 3, column: 1 },
      A: { line: 4, column: 3 },
      C: { line: 6, column: 2 },
      D: { line: 7, column: 7 },
    });
  });
});

describe('inclusive join sources', () => {
  it('stay within the scope and include hosts of boundary events that lead to the join', async () => {
    const xml = processXml(`    <bpmn:startEvent id="S" />
    <bpmn:inclusiveGateway id="Fork" />
    <bpmn:serviceTask id="T1" camunda:type="external" camunda:topic="t1" />
    <bpmn:serviceTask id="T2" camunda:type="external" camunda:topic="t2" />
    <bpmn:serviceTask id="Other" camunda:type="external" camunda:topic="o" />
    <bpmn:boundaryEvent id="B" attachedToRef="Other"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:inclusiveGateway id="Join" />
    <bpmn:endEvent id="E" /><bpmn:endEvent id="E2" />
    <bpmn:sequenceFlow id="F0" sourceRef="S" targetRef="Fork" />
    <bpmn:sequenceFlow id="F1" sourceRef="Fork" targetRef="T1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${a}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F2" sourceRef="Fork" targetRef="T2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${b}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" sourceRef="Fork" targetRef="Other"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${c}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F4" sourceRef="T1" targetRef="Join" />
    <bpmn:sequenceFlow id="F5" sourceRef="T2" targetRef="Join" />
    <bpmn:sequenceFlow id="F6" sourceRef="B" targetRef="Join" />
    <bpmn:sequenceFlow id="F7" sourceRef="Other" targetRef="E2" />
    <bpmn:sequenceFlow id="F8" sourceRef="Join" targetRef="E" />`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    const graph = result.processes[0]!;
    expect([...graph.inclusiveJoinSources.Join!].sort()).toEqual(['B', 'Fork', 'Other', 'S', 'T1', 'T2']);
    expect(graph.inclusiveJoinSources.Fork).toBeUndefined();
  });
});
