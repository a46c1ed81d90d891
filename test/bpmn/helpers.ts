import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { compileBpmn } from '../../src/bpmn/index.js';
import type { CompileResult, ProcessGraph } from '../../src/bpmn/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/bpmn/', import.meta.url));

export function fixture(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

export function compileFixture(name: string): Promise<CompileResult> {
  return compileBpmn(fixture(name));
}

/** Compile a fixture that must be valid and hold exactly one process. */
export async function graphOf(name: string): Promise<ProcessGraph> {
  const result = await compileFixture(name);
  expect(result.errors).toEqual([]);
  expect(result.processes).toHaveLength(1);
  return result.processes[0]!;
}

/** A minimal Camunda 7 + 8 document around a process body. */
export function processXml(body: string, extraRoots = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="P" isExecutable="true">
${body}
  </bpmn:process>
${extraRoots}
</bpmn:definitions>
`;
}

/** start → `element` (id `T`) → end, with the flows wired. */
export function around(element: string, extraRoots = ''): string {
  return processXml(
    `    <bpmn:startEvent id="S" />
    ${element}
    <bpmn:endEvent id="E" />
    <bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
    <bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" />`,
    extraRoots,
  );
}

/** 1-based line of the first occurrence of `needle` in `xml`. */
export function lineOf(xml: string, needle: string): number {
  const index = xml.indexOf(needle);
  if (index < 0) throw new Error(`not found: ${needle}`);
  return xml.slice(0, index).split('\n').length;
}
