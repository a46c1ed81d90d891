import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagramLayoutStore } from '../../src/store/diagram-layout-store.js';
import { lacksDiagram } from '../../src/cockpit/diagram-layout.js';
import { FIXTURES, startServer, type TestServer } from '../http/helpers.js';

/** The README's quick-start diagram: sequence flows only, no incoming/outgoing, no diagram interchange. */
const quickStart = /const xml = `([\s\S]*?)`;/.exec(readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'quick-start.ts'), 'utf8'))![1]!.replace(/\\\$/g, '$');

describe('diagrams without diagram interchange in the cockpit', () => {
  let server: TestServer;
  let bare: { id: string; deploymentId: string };
  let drawn: { id: string };

  beforeAll(async () => {
    server = await startServer();
    const one = await server.engine.deploy({ name: 'bare', resources: [{ name: 'train.bpmn', content: quickStart }] });
    bare = { id: one.definitions![0]!.id, deploymentId: one.deployment.id };
    const two = await server.engine.deploy({ name: 'drawn', resources: [{ name: 'service-task.c7.bpmn', content: readFileSync(join(FIXTURES, 'service-task.c7.bpmn')) }] });
    drawn = { id: two.definitions![0]!.id };
  });
  afterAll(() => server.close());

  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, body: await response.json() as { xml: string; laidOut: boolean; bpmn20Xml?: string } };
  };

  it('draws an automatic layout with a shape for every flow node and an edge for every flow, stored once', async () => {
    expect(lacksDiagram(quickStart)).toBe(true);
    const { status, body } = await get(`/cockpit/api/definitions/${bare.id}/diagram`);
    expect(status).toBe(200);
    expect(body.laidOut).toBe(true);
    const parsed = await new BpmnModdle().fromXML(body.xml);
    expect(parsed.warnings).toEqual([]);
    const shapes = [...body.xml.matchAll(/<bpmndi:BPMNShape [^>]*bpmnElement="([^"]+)"/g)].map((m) => m[1]).sort();
    const edges = [...body.xml.matchAll(/<bpmndi:BPMNEdge [^>]*bpmnElement="([^"]+)"/g)].map((m) => m[1]).sort();
    expect(shapes).toEqual(['Deployed', 'Good', 'Rejected', 'Start', 'Train']);
    expect(edges).toEqual(['f1', 'f2', 'f3', 'f4']);
    // the process itself is untouched: same elements, expressions and extension attributes
    expect(body.xml).toContain('camunda:topic="train"');
    expect(body.xml).toContain('${accuracy &gt;= 0.8}');
    expect(new DiagramLayoutStore(server.engine.db).get(bare.id)).toBe(body.xml);
    expect((await get(`/cockpit/api/definitions/${bare.id}/diagram`)).body.xml).toBe(body.xml);
  });

  it('never changes the deployed XML, which the REST API returns as written', async () => {
    const { body } = await get(`/engine-rest/process-definition/${bare.id}/xml`);
    expect(body.bpmn20Xml).toBe(quickStart);
  });

  it('draws a diagram that has its own shapes as deployed, and stores nothing for it', async () => {
    const { body } = await get(`/cockpit/api/definitions/${drawn.id}/diagram`);
    expect(body).toEqual({ xml: readFileSync(join(FIXTURES, 'service-task.c7.bpmn'), 'utf8'), laidOut: false });
    expect(new DiagramLayoutStore(server.engine.db).get(drawn.id)).toBeNull();
  });

  it('removes the layout with its deployment, and answers 404 for an unknown definition', async () => {
    const deleted = await fetch(`${server.url}/engine-rest/deployment/${bare.deploymentId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(new DiagramLayoutStore(server.engine.db).get(bare.id)).toBeNull();
    expect((await get(`/cockpit/api/definitions/${bare.id}/diagram`)).status).toBe(404);
  });
});
