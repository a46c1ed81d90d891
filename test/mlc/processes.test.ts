/** The bundled processes compile cleanly and carry a complete diagram (they open in Camunda Modeler). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBpmn } from '../../src/index.js';
import { bundledProcessesDir } from '../../src/mlc/index.js';

const files = {
  'on-model-changed.bpmn': 'OnModelChanged',
  'daily-backtesting.bpmn': 'DailyBacktesting',
  'retrain-on-drift.bpmn': 'RetrainOnDrift',
} as const;

describe.each(Object.entries(files))('%s', (file, key) => {
  const xml = readFileSync(join(bundledProcessesDir(), file), 'utf8');

  it(`compiles to ${key} without errors or warnings, every service task an external topic`, async () => {
    const result = await compileBpmn(xml);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.processes.map((p) => p.id)).toEqual([key]);
    const jobs = Object.values(result.processes[0]!.nodes).filter((n) => n.kind === 'serviceTask');
    expect(jobs.length).toBeGreaterThan(2);
    for (const node of jobs) expect(node.job?.topic, node.id).toMatch(/^[a-z-]+$/);
    expect(xml).toMatch(/camunda:type="external"/);
  });

  it('has a shape for every flow node and an edge for every sequence flow', () => {
    const ids = (re: RegExp) => [...xml.matchAll(re)].map((m) => m[1]!);
    const nodes = ids(/<bpmn:(?:startEvent|endEvent|serviceTask|userTask|scriptTask|exclusiveGateway|intermediateCatchEvent|boundaryEvent) id="([^"]+)"/g);
    const flows = ids(/<bpmn:sequenceFlow id="([^"]+)"/g);
    const shapes = new Set(ids(/<bpmndi:BPMNShape [^>]*bpmnElement="([^"]+)"/g));
    const edges = new Set(ids(/<bpmndi:BPMNEdge [^>]*bpmnElement="([^"]+)"/g));
    expect(nodes.filter((n) => !shapes.has(n))).toEqual([]);
    expect(flows.filter((f) => !edges.has(f))).toEqual([]);
  });
});

it('DailyBacktesting starts every morning at 06:00 (Quartz cron) and RetrainOnDrift on MODEL_DATA_DRIFT', () => {
  expect(readFileSync(join(bundledProcessesDir(), 'daily-backtesting.bpmn'), 'utf8')).toMatch(/<bpmn:timeCycle[^>]*>0 0 6 \* \* \?<\/bpmn:timeCycle>/);
  expect(readFileSync(join(bundledProcessesDir(), 'retrain-on-drift.bpmn'), 'utf8')).toMatch(/<bpmn:signal id="Signal_ModelDataDrift" name="MODEL_DATA_DRIFT" \/>/);
});
