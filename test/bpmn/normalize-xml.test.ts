import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import { normalizeXml } from '../../src/bpmn/normalize-xml.js';
import { lineOf, processXml } from './helpers.js';

describe('lenient attribute spellings (normalize-xml)', () => {
  it('leaves ordinary documents untouched (the same string)', () => {
    const xml = processXml('    <bpmn:startEvent id="S" />');
    expect(normalizeXml(xml)).toBe(xml);
  });

  it('keeps the length and every line break while rewriting', () => {
    const xml = processXml(`    <bpmn:startEvent id\n      =  " S "  name = "a = b" />\n    <bpmn:endEvent id="E" />\n    <bpmn:sequenceFlow id="F" sourceRef=" S" targetRef="tns:E" />`);
    const out = normalizeXml(xml);
    expect(out).toHaveLength(xml.length);
    expect(out.split('\n')).toHaveLength(xml.split('\n').length);
    expect(out).toContain('id="S"');
    expect(out).toContain('name="a = b"'); // values other than ids are not touched
    expect(out).toContain('sourceRef="S"');
    expect(out).toContain('targetRef="E"');
  });

  it('does not touch comments, CDATA or text', () => {
    const xml = processXml(`    <!-- id = " x " -->\n    <bpmn:startEvent id="S"><bpmn:documentation><![CDATA[ id = " y " ]]></bpmn:documentation></bpmn:startEvent>`);
    expect(normalizeXml(xml)).toBe(xml);
  });

  it('compiles a diagram written that way, with positions of the original text', async () => {
    const xml = processXml(`    <bpmn:startEvent id = "S" />\n    <bpmn:task id=" T " />\n    <bpmn:endEvent id="E" />\n    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef=" T" />\n    <bpmn:sequenceFlow id="F2" sourceRef="T " targetRef="E" />\n    <bpmn:exclusiveGateway id = "G" />`);
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(Object.keys(result.processes[0]!.nodes).sort()).toEqual(['E', 'G', 'S', 'T']);
    expect(result.warnings.find((w) => w.elementId === 'G')).toMatchObject({ line: lineOf(xml, 'bpmn:exclusiveGateway'), column: 5 });
  });
});
