/**
 * Diagrams deployed without diagram interchange (written by hand or by a generator, like the
 * README's quick-start) have nothing for bpmn-js to draw. The cockpit shows a copy laid out by
 * bpmn-auto-layout instead, made once per definition and stored beside it; the deployed XML,
 * which the REST API returns, is never changed.
 */
import { BpmnModdle } from 'bpmn-moddle';
import { layoutProcess } from 'bpmn-auto-layout';
import type { Engine } from '../runtime/engine.js';
import { NotFoundError } from '../runtime/errors.js';

interface ModdleNode {
  $type: string;
  get(name: 'flowElements' | 'rootElements' | 'incoming' | 'outgoing'): ModdleNode[] | undefined;
  sourceRef?: ModdleNode;
  targetRef?: ModdleNode;
}

interface Serializer {
  toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
}

export interface DiagramXml {
  xml: string;
  /** true when the shapes come from the automatic layout, not from the deployed file */
  laidOut: boolean;
  /** why a diagram without shapes could not be laid out (it is returned as deployed) */
  layoutError?: string;
}

/** True when the document has no shape to draw (Camunda Modeler always writes BPMNShape elements). */
export function lacksDiagram(xml: string): boolean {
  return !/<(?:[\w.-]+:)?BPMNShape[\s/>]/.test(xml);
}

/**
 * bpmn-auto-layout follows each node's `outgoing` references, which hand-written XML often
 * leaves out (sequence flows with sourceRef/targetRef are enough for BPMN): fill them in first.
 */
function linkFlows(container: ModdleNode): void {
  for (const element of container.get('flowElements') ?? []) {
    if (element.$type === 'bpmn:SequenceFlow' && element.sourceRef && element.targetRef) {
      const outgoing = element.sourceRef.get('outgoing');
      const incoming = element.targetRef.get('incoming');
      if (outgoing && !outgoing.includes(element)) outgoing.push(element);
      if (incoming && !incoming.includes(element)) incoming.push(element);
    }
    if (element.get('flowElements')) linkFlows(element);
  }
}

/** A laid-out copy of `xml` (first process; sub-processes collapsed, as bpmn-auto-layout does). */
export async function layOut(xml: string): Promise<string> {
  const moddle = new BpmnModdle();
  const { rootElement } = await moddle.fromXML(xml);
  const definitions = rootElement as ModdleNode;
  for (const root of definitions.get('rootElements') ?? []) if (root.$type === 'bpmn:Process') linkFlows(root);
  const { xml: linked } = await (moddle as unknown as Serializer).toXML(definitions);
  return layoutProcess(linked);
}

/** What the cockpit draws for a definition: its own diagram, or the stored automatic layout (made on first request). */
export function diagramSource(engine: Engine): (definitionId: string) => Promise<DiagramXml> {
  return async (definitionId) => {
    const definition = engine.definition(definitionId);
    const content = engine.core.repository.resourceByName(definition.deploymentId, definition.resourceName);
    if (!content) throw new NotFoundError(`The resource of process definition '${definitionId}' is missing`);
    const xml = Buffer.from(content).toString('utf8');
    if (!lacksDiagram(xml)) return { xml, laidOut: false };
    let laidOut = engine.queries.diagramLayout(definition.id);
    if (laidOut === null) {
      try {
        laidOut = await layOut(xml);
      } catch (error) {
        return { xml, laidOut: false, layoutError: error instanceof Error ? error.message : String(error) };
      }
      const made = laidOut;
      await engine.submit(() => engine.core.changes.add({ kind: 'insertDiagramLayout', definitionId: definition.id, xml: made, at: engine.clock.now() }));
    }
    return { xml: laidOut, laidOut: true };
  };
}
