import type { FlowNode } from '../bpmn/graph.js';
import type { Step, ElementInstance } from './step.js';
import type { Variables } from './variables.js';
import { boundaryCatcher } from './catchers.js';

/**
 * Throws a BPMN error from `source` (a task whose handler raised it, or an error end event):
 * the nearest enclosing catcher wins — an error boundary event on the element or one of its
 * enclosing sub-processes (a boundary with this code before a catch-all one), or an error event
 * sub-process in a scope on the way out. Nothing catches it → an incident on `source`.
 */
export function throwBpmnError(step: Step, source: ElementInstance, code: string, message: string, variables?: Variables): void {
  const text = message && message !== code ? `${code}: ${message}` : code;
  step.recordHistory({ kind: 'errorThrown', elementInstanceId: source.id, elementId: source.elementId, data: JSON.stringify({ code, message }) });
  let current: ElementInstance | null = source;
  while (current) {
    const node = step.node(current);
    // (an iteration of a multi-instance activity has no boundary events: they are its body's)
    const boundary = boundaryCatcher(step.graph, node, 'error', code);
    if (boundary) {
      const attachedTo = current;
      step.transitions.terminate(attachedTo);
      const caught = step.transitions.enter(boundary, attachedTo.parentId);
      setErrorVariables(step, boundary, attachedTo.parentId, code, message, variables);
      step.recordHistory({ kind: 'errorCaught', elementInstanceId: caught.id, elementId: boundary.id, data: JSON.stringify({ code }) });
      return;
    }
    const scope: ElementInstance | null = current.parentId === null ? null : step.elementInstance(current.parentId) ?? null;
    if (step.services.processors.eventSubProcess.catchError(step, scope, code, message, variables)) return;
    current = scope;
  }
  if (step.services.processors.callActivity.propagateErrorToParent(step, source, code, message, variables)) return;
  step.raiseIncident(source, 'unhandledError', `Unhandled BPMN error ${text}: no error boundary event or error event sub-process catches it`);
}

/** `camunda:errorCodeVariable` / `errorMessageVariable`, plus variables sent with the error. */
export function setErrorVariables(step: Step, catcher: FlowNode, scopeId: string | null, code: string, message: string, variables?: Variables): void {
  if (variables) step.setVariables(scopeId, variables);
  if (catcher.event?.errorCodeVariable) step.setVariable(scopeId, catcher.event.errorCodeVariable, code);
  if (catcher.event?.errorMessageVariable) step.setVariable(scopeId, catcher.event.errorMessageVariable, message);
}
