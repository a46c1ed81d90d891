import type { FlowNode } from '../bpmn/graph.js';
import type { ElementInstanceRecord } from '../store/records.js';
import type { ProcessorKind } from './processors/processor.js';

/**
 * A multi-instance activity runs as two kinds of element instance with the same element id: the
 * *body*, entered over the incoming flow, and its *inner* instances, one per item, which carry
 * `loopCounter` (set when the body creates them, never on a body).
 */
export function isMultiInstanceBody(ei: ElementInstanceRecord, node: FlowNode): boolean {
  return node.multiInstance !== undefined && ei.data.loopCounter === undefined;
}

export function isMultiInstanceInner(ei: ElementInstanceRecord, node: FlowNode): boolean {
  return node.multiInstance !== undefined && ei.data.loopCounter !== undefined;
}

/** The processor kind an element instance runs as. */
export function processorKindOf(node: FlowNode, ei: ElementInstanceRecord): ProcessorKind {
  if (isMultiInstanceBody(ei, node)) return 'multiInstanceBody';
  if (node.scope?.triggeredByEvent) return 'eventSubProcess';
  if (node.scope?.transaction) return 'transaction';
  const eventType = node.event?.type;
  if (eventType === 'compensation' && (node.kind === 'intermediateThrowEvent' || node.kind === 'endEvent')) return 'compensationThrowEvent';
  if (eventType === 'cancel' && node.kind === 'endEvent') return 'cancelEndEvent';
  if (node.kind === 'intermediateCatchEvent' && node.event?.type === 'conditional') return 'conditionalEvent';
  return node.kind;
}
