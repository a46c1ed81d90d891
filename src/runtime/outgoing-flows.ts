import type { FlowNode, ProcessGraph } from '../bpmn/graph.js';
import { IncidentError } from './errors.js';

/**
 * Choosing the outgoing flows of an element that completed: every flow whose condition holds, or
 * (exclusive gateways) the first one; the default flow when none holds; an incident naming the
 * element when there is neither. `holds` evaluates a condition (lazily: most flows have none).
 */
export function selectFlows(graph: ProcessGraph, node: FlowNode, holds: (flowId: string) => boolean, firstOnly = false): string[] {
  if (node.outgoing.length === 0) return [];
  const taken: string[] = [];
  for (const flowId of node.outgoing) {
    if (flowId === node.defaultFlow) continue;
    if (!graph.flows[flowId]!.condition || holds(flowId)) {
      taken.push(flowId);
      if (firstOnly) return taken;
    }
  }
  if (taken.length > 0) return taken;
  if (node.defaultFlow) return [node.defaultFlow];
  throw new NoOutgoingFlowError(node, firstOnly
    ? `Exclusive gateway '${node.id}': no outgoing sequence flow has a true condition and there is no default flow`
    : `No outgoing sequence flow of '${node.id}' can be taken: no condition is true and there is no default flow`);
}

/** No outgoing flow can be taken (an incident; on Camunda 7's REST API, ENGINE-02004/02006 and a rollback). */
export class NoOutgoingFlowError extends IncidentError {
  readonly elementId: string;
  readonly elementKind: FlowNode['kind'];
  constructor(node: FlowNode, message: string) {
    super(message);
    this.elementId = node.id;
    this.elementKind = node.kind;
  }
}
