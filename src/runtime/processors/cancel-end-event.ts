/**
 * Cancel end event inside a transaction sub-process (BPMN 2.0 §10.3.2, Camunda 7's cancel
 * events): the transaction's other tokens are withdrawn, its completed activities compensated
 * (newest first, waiting for each handler), then the transaction is cancelled and left by its
 * cancel boundary event. A hazard (an error) leaves a transaction like any sub-process: by its
 * error boundary event, without compensation.
 */
import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import { IncidentError } from '../errors.js';
import { runNextHandler, startCompensation } from '../compensation/throw.js';

export const cancelEndEvent: ElementProcessor = {
  onActivate(step, ei) {
    for (const sibling of step.childrenOf(ei.parentId)) if (sibling !== ei) step.transitions.terminate(sibling);
    if (!startCompensation(step, ei, undefined, true)) leaveTransaction(step, ei);
  },
  onChildrenDone(step, ei) {
    if (!runNextHandler(step, ei)) leaveTransaction(step, ei);
  },
};

function leaveTransaction(step: Step, cancelEnd: ElementInstance): void {
  let transaction = cancelEnd.parentId === null ? undefined : step.elementInstance(cancelEnd.parentId);
  if (!transaction) throw new IncidentError(`Cancel end event '${cancelEnd.elementId}' is not inside a transaction`);
  // a multi-instance transaction: the cancel boundary event belongs to the body and cancels every instance
  transaction = step.loopBodyOf(transaction) ?? transaction;
  const node = step.node(transaction);
  const boundaryId = node.boundaryEvents?.find((id) => step.graph.nodes[id]?.event?.type === 'cancel');
  if (boundaryId === undefined) throw new IncidentError(`Transaction '${node.id}' has no cancel boundary event to leave by`);
  const scopeId = transaction.parentId;
  step.transitions.terminate(transaction);
  step.recordHistory({ kind: 'transactionCancelled', elementInstanceId: transaction.id, elementId: node.id, data: JSON.stringify({ cancelEndEvent: cancelEnd.elementId }) });
  step.transitions.enter(step.graph.nodes[boundaryId]!, scopeId);
}
