/**
 * The diagrams every scenario runs. Each service task carries both engines' ways of naming its
 * work: `camunda:topic` (ours) and the standard BPMN `implementation` attribute resolved by
 * bpmn-engine to `environment.services.<topic>`. Conditions differ only in syntax: ours evaluates
 * JUEL over process variables, bpmn-engine resolves a property path, so the peer's XML is the
 * same diagram with `${ok}` written as `${environment.variables.ok}`.
 */

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
    xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_bench" targetNamespace="http://bpmn.io/schema/bpmn">`;

export type Flavour = 'ours' | 'peer';

function condition(flavour: Flavour, variable: string): string {
  return flavour === 'ours' ? `\${${variable}}` : `\${environment.variables.${variable}}`;
}

function serviceTask(id: string, topic: string): string {
  return `<bpmn:serviceTask id="${id}" camunda:type="external" camunda:topic="${topic}" implementation="\${environment.services.${topic}}" />`;
}

/** start → service task → exclusive gateway (ok → Done, default → Rejected) → end */
export function simpleXml(flavour: Flavour, processId = 'BenchSimple'): string {
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Work" />
    ${serviceTask('Work', 'work')}
    <bpmn:sequenceFlow id="f2" sourceRef="Work" targetRef="Check" />
    <bpmn:exclusiveGateway id="Check" default="f4" />
    <bpmn:sequenceFlow id="f3" sourceRef="Check" targetRef="Done">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition(flavour, 'ok')}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="Check" targetRef="Rejected" />
    <bpmn:endEvent id="Done" />
    <bpmn:endEvent id="Rejected" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → parallel fork → three service tasks → parallel join → end */
export function parallelXml(processId = 'BenchParallel'): string {
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f0" sourceRef="Start" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="fa" sourceRef="Fork" targetRef="A" />
    <bpmn:sequenceFlow id="fb" sourceRef="Fork" targetRef="B" />
    <bpmn:sequenceFlow id="fc" sourceRef="Fork" targetRef="C" />
    ${serviceTask('A', 'a')}
    ${serviceTask('B', 'b')}
    ${serviceTask('C', 'c')}
    <bpmn:sequenceFlow id="ja" sourceRef="A" targetRef="Join" />
    <bpmn:sequenceFlow id="jb" sourceRef="B" targetRef="Join" />
    <bpmn:sequenceFlow id="jc" sourceRef="C" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="fe" sourceRef="Join" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → user task (candidate group) → end */
export function userTaskXml(processId = 'BenchWaiting', group = 'analysts'): string {
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" camunda:candidateGroups="${group}" />
    <bpmn:sequenceFlow id="f2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** start → intermediate timer catch (duration from variable `delay`) → end */
export function timerXml(processId = 'BenchTimer'): string {
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait" />
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">\${delay}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

/**
 * A diagram of `elements` flow nodes as Camunda Modeler would save it (with DI): blocks of
 * service task → exclusive split (condition + default) → two tasks → exclusive merge, every
 * fifth block a parallel fork/join with user tasks. Both engines parse the same text.
 */
export function largeXml(elements: number, processId = 'BenchLarge'): string {
  const nodes: string[] = [];
  const flows: string[] = [];
  const shapes: string[] = [];
  const edges: string[] = [];
  let count = 0;
  let x = 100;
  let flowSeq = 0;
  const shape = (id: string, y = 100) => {
    shapes.push(`<bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="${x}" y="${y}" width="100" height="80" /></bpmndi:BPMNShape>`);
  };
  const node = (xml: string, id: string, y?: number) => {
    nodes.push(xml);
    shape(id, y);
    count++;
  };
  const flow = (source: string, target: string, body = '') => {
    const id = `Flow_${++flowSeq}`;
    flows.push(body
      ? `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}">${body}</bpmn:sequenceFlow>`
      : `<bpmn:sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}" />`);
    edges.push(`<bpmndi:BPMNEdge id="${id}_di" bpmnElement="${id}"><di:waypoint x="${x}" y="140" /><di:waypoint x="${x + 50}" y="140" /></bpmndi:BPMNEdge>`);
    return id;
  };
  node(`<bpmn:startEvent id="Start" />`, 'Start');
  let last = 'Start';
  let block = 0;
  while (count < elements - 6) {
    block++;
    const b = `B${block}`;
    x += 150;
    if (block % 5 === 0) {
      node(`<bpmn:parallelGateway id="${b}_fork" />`, `${b}_fork`);
      flow(last, `${b}_fork`);
      node(`<bpmn:userTask id="${b}_u1" name="Review ${block}" camunda:candidateGroups="analysts" />`, `${b}_u1`, 50);
      node(`<bpmn:userTask id="${b}_u2" name="Approve ${block}" camunda:assignee="lead" />`, `${b}_u2`, 200);
      node(`<bpmn:parallelGateway id="${b}_join" />`, `${b}_join`);
      flow(`${b}_fork`, `${b}_u1`);
      flow(`${b}_fork`, `${b}_u2`);
      flow(`${b}_u1`, `${b}_join`);
      flow(`${b}_u2`, `${b}_join`);
      last = `${b}_join`;
      continue;
    }
    node(serviceTask(`${b}_svc`, `topic${block % 7}`), `${b}_svc`);
    flow(last, `${b}_svc`);
    node(`<bpmn:exclusiveGateway id="${b}_split" default="${b}_default" />`, `${b}_split`);
    flow(`${b}_svc`, `${b}_split`);
    node(`<bpmn:task id="${b}_yes" name="Yes ${block}" />`, `${b}_yes`, 50);
    node(`<bpmn:manualTask id="${b}_no" name="No ${block}" />`, `${b}_no`, 200);
    flow(`${b}_split`, `${b}_yes`, `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${score${block} &gt;= 0.5}</bpmn:conditionExpression>`);
    flows.push(`<bpmn:sequenceFlow id="${b}_default" sourceRef="${b}_split" targetRef="${b}_no" />`);
    node(`<bpmn:exclusiveGateway id="${b}_merge" />`, `${b}_merge`);
    flow(`${b}_yes`, `${b}_merge`);
    flow(`${b}_no`, `${b}_merge`);
    last = `${b}_merge`;
  }
  while (count < elements - 1) {
    x += 150;
    const id = `Tail_${count}`;
    node(`<bpmn:task id="${id}" />`, id);
    flow(last, id);
    last = id;
  }
  node(`<bpmn:endEvent id="End" />`, 'End');
  flow(last, 'End');
  return `${HEADER}
  <bpmn:process id="${processId}" isExecutable="true">
    ${nodes.join('\n    ')}
    ${flows.join('\n    ')}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1"><bpmndi:BPMNPlane id="Plane_1" bpmnElement="${processId}">
    ${shapes.join('\n    ')}
    ${edges.join('\n    ')}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}
