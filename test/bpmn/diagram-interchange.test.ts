import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { scanDocument } from '../../src/bpmn/positions.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/bpmn/', import.meta.url));

const HEAD = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:startEvent id="S" />
    <bpmn:sequenceFlow id="F" sourceRef="S" targetRef="E" />
    <bpmn:endEvent id="E" />
  </bpmn:process>`;

/** A document whose diagram section is `plane` (inside BPMNDiagram/BPMNPlane). */
function withDiagram(plane: string, diagramAttributes = ''): string {
  return `${HEAD}
  <bpmndi:BPMNDiagram id="Diagram"${diagramAttributes}>
    <bpmndi:BPMNPlane id="Plane" bpmnElement="P">
${plane}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const GOOD = `      <bpmndi:BPMNShape id="S_di" bpmnElement="S" bioc:stroke="#000"><dc:Bounds x="1" y="2" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="F_di" bpmnElement="F"><di:waypoint xsi:type="dc:Point" x="1" y="2" /><di:waypoint x="3" y="4" />
        <bpmndi:BPMNLabel><dc:Bounds x="1" y="2" width="3" height="4" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNEdge>
      <!-- a comment -->
      <bpmndi:BPMNShape id="E_di" bpmnElement="E" isMarkerVisible="true"><dc:Bounds x="1" y="2" width="36" height="36" /></bpmndi:BPMNShape>`;

/** Same result as parsing everything, diagram included. */
async function expectSameAsFullParse(xml: string) {
  const fast = await compileBpmn(xml);
  const full = await compileBpmn(xml, { parseDiagrams: true });
  expect(fast).toEqual(full);
  return fast;
}

describe('diagram interchange', () => {
  it('is left out of the parse when it is plain DI, with the same result', async () => {
    const xml = withDiagram(GOOD);
    const scan = scanDocument(xml);
    expect(scan.diagrams).toHaveLength(1);
    expect(xml.slice(scan.diagrams[0]!.start, scan.diagrams[0]!.end)).toMatch(/^<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>$/);
    expect(scan.positions.get('E_di')).toEqual({ line: 15, column: 7 });
    const result = await expectSameAsFullParse(xml);
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['an unknown DI element', `${GOOD}\n      <bpmndi:BPMNThing id="T" />`],
    ['an element in the wrong place', GOOD.replace('<di:waypoint x="3" y="4" />', '<dc:Bounds x="3" y="4" />')],
    ['an unknown attribute', GOOD.replace('isMarkerVisible="true"', 'isMarkerVisable="true"')],
    ['a duplicate id shared with the process', GOOD.replace('id="E_di"', 'id="S"')],
    ['a duplicate attribute', GOOD.replace('x="3" y="4"', 'x="3" x="4"')],
    ['text in a shape', GOOD.replace('<dc:Bounds x="1" y="2" width="36" height="36" /></bpmndi:BPMNShape>', 'oops</bpmndi:BPMNShape>')],
    ['a mismatched end tag', GOOD.replace('</bpmndi:BPMNLabel>', '</bpmndi:BPMNLable>')],
    ['an unclosed element', GOOD.replace('</bpmndi:BPMNLabel>', '')],
  ])('is parsed as before when it has %s', async (_what, plane) => {
    const xml = withDiagram(plane);
    expect(scanDocument(xml).diagrams).toEqual([]);
    const result = await expectSameAsFullParse(xml);
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('is parsed as before when it has a reference to an unknown element, which is only a warning (as in Camunda 7)', async () => {
    const xml = withDiagram(GOOD.replace('bpmnElement="E"', 'bpmnElement="Gone"'));
    expect(scanDocument(xml).diagrams).toEqual([]);
    const result = await expectSameAsFullParse(xml);
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.message)).toContain("Diagram element points at unknown element 'Gone': ignored (the diagram is presentation only)");
  });

  it('is parsed as before when the process refers into it', async () => {
    const xml = withDiagram(GOOD).replace('<bpmn:endEvent id="E" />', '<bpmn:endEvent id="E" /><bpmn:association id="A" sourceRef="S" targetRef="S_di" />');
    await expectSameAsFullParse(xml);
  });

  it('gives every fixture the same result as the full parse', async () => {
    let skipped = 0;
    for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.bpmn'))) {
      const xml = readFileSync(FIXTURES + name, 'utf8');
      if (scanDocument(xml).diagrams.length > 0) skipped++;
      const fast = await compileBpmn(xml);
      const full = await compileBpmn(xml, { parseDiagrams: true });
      expect(fast, name).toEqual(full);
    }
    expect(skipped).toBeGreaterThan(5);
  });
});
