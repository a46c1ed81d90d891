import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { processXml } from './helpers.js';

/** A chain of `blocks` blocks: XOR split → two service tasks → XOR merge (4 nodes + 5 flows each). */
function largeDiagram(blocks: number): string {
  const parts: string[] = ['    <bpmn:startEvent id="Start" />'];
  let previous = 'Start';
  for (let i = 0; i < blocks; i++) {
    parts.push(
      `    <bpmn:exclusiveGateway id="Split_${i}" default="F_${i}_b" />`,
      `    <bpmn:serviceTask id="A_${i}" camunda:type="external" camunda:topic="a" />`,
      `    <bpmn:serviceTask id="B_${i}" camunda:type="external" camunda:topic="b" />`,
      `    <bpmn:exclusiveGateway id="Merge_${i}" />`,
      `    <bpmn:sequenceFlow id="F_${i}_in" sourceRef="${previous}" targetRef="Split_${i}" />`,
      `    <bpmn:sequenceFlow id="F_${i}_a" sourceRef="Split_${i}" targetRef="A_${i}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${x &gt; ${i}}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
      `    <bpmn:sequenceFlow id="F_${i}_b" sourceRef="Split_${i}" targetRef="B_${i}" />`,
      `    <bpmn:sequenceFlow id="F_${i}_am" sourceRef="A_${i}" targetRef="Merge_${i}" />`,
      `    <bpmn:sequenceFlow id="F_${i}_bm" sourceRef="B_${i}" targetRef="Merge_${i}" />`,
    );
    previous = `Merge_${i}`;
  }
  parts.push('    <bpmn:endEvent id="End" />', `    <bpmn:sequenceFlow id="F_end" sourceRef="${previous}" targetRef="End" />`);
  return processXml(parts.join('\n'));
}

describe('large diagrams', () => {
  it('compiles a generated diagram of more than 1,000 elements without problems', async () => {
    const xml = largeDiagram(250); // 1,002 flow nodes and 1,251 sequence flows
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const graph = result.processes[0]!;
    expect(Object.keys(graph.nodes)).toHaveLength(1002);
    expect(Object.keys(graph.flows)).toHaveLength(1251);
    expect(graph.nodes.Merge_249!.outgoing).toEqual(['F_end']);
  });
});
