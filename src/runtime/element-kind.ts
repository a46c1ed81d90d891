import type { FlowNode, NodeKind, ProcessGraph } from '../bpmn/graph.js';
import type { ElementInstanceRecord } from '../store/records.js';
import type { ProcessorKind } from './processors/processor.js';

/**
 * The compiled node an element instance runs. A multi-instance activity has two compiled nodes
 * with its id: the body (`graph.multiInstanceBodies`) and the activity it wraps (`graph.nodes`).
 * The tree says which one an element instance is: an iteration is a child of its body, so an
 * instance of the activity inside an instance of the same element is an iteration, any other the
 * body. `parentElementId` is the element id of the instance's parent (undefined at the process level).
 */
export function compiledNodeOf(graph: ProcessGraph, ei: Pick<ElementInstanceRecord, 'elementId'>, parentElementId: string | undefined): FlowNode | undefined {
  const body = graph.multiInstanceBodies?.[ei.elementId];
  if (body && parentElementId !== ei.elementId) return body;
  return graph.nodes[ei.elementId];
}

/**
 * The processor kind a compiled node runs as: its node kind (the multi-instance body and the event
 * sub-process are compiled kinds), except transactions, compensation throws and cancel ends, which
 * run as kinds of their own.
 */
export function processorKindOf(node: FlowNode): ProcessorKind {
  if (node.scope?.transaction) return 'transaction';
  const eventType = node.event?.type;
  if (eventType === 'compensation' && (node.kind === 'intermediateThrowEvent' || node.kind === 'endEvent')) return 'compensationThrowEvent';
  if (eventType === 'cancel' && node.kind === 'endEvent') return 'cancelEndEvent';
  if (node.kind === 'intermediateCatchEvent' && node.event?.type === 'conditional') return 'conditionalEvent';
  return node.kind;
}

/** The kinds of body whose children are the iterations of the activity they wrap. */
export function isLoopBodyKind(kind: NodeKind): boolean {
  return kind === 'multiInstanceBody' || kind === 'standardLoopBody';
}
