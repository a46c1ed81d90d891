/**
 * Escalation throw and end events: the nearest catcher on the way out wins — an escalation
 * boundary event on an enclosing activity (this code before a catch-all one) or an escalation
 * event sub-process in a scope. Interrupting catchers cancel what they are attached to (or the
 * scope's other tokens); non-interrupting ones let the thrower continue. An escalation nothing in
 * a called instance catches goes on to its call activity in the caller (Camunda 7). An escalation
 * nobody catches is not an error (BPMN): the token just continues.
 */
import type { Step, ElementInstance } from '../step.js';
import { catchInScope } from './event-sub-processes.js';
import { boundaryCatcher } from '../catchers.js';

/**
 * Throws escalation `code` from `source`; true when something caught it (or a caller will).
 * `atCallActivity`: it comes out of the instance `source` called, so `source`'s own boundary
 * events catch it (a throw event's do not).
 */
export function throwEscalation(step: Step, source: ElementInstance, code: string | undefined, atCallActivity = false): boolean {
  const escalationCode = code ?? '';
  step.recordHistory({ kind: 'escalationThrown', elementInstanceId: source.id, elementId: source.elementId, data: JSON.stringify({ code: escalationCode }) });
  let current: ElementInstance | null = source;
  while (current) {
    const node = step.node(current);
    const boundary = current === source && !atCallActivity ? undefined : boundaryCatcher(step.graph, node, 'escalation', escalationCode);
    if (boundary) {
      const attachedTo = current;
      if (boundary.cancelActivity !== false) step.transitions.terminate(attachedTo);
      const caught = step.transitions.enter(boundary, attachedTo.parentId);
      if (boundary.event?.escalationCodeVariable) step.setVariable(attachedTo.parentId, boundary.event.escalationCodeVariable, escalationCode);
      step.recordHistory({ kind: 'escalationCaught', elementInstanceId: caught.id, elementId: boundary.id, data: JSON.stringify({ code: escalationCode }) });
      return true;
    }
    const scope: ElementInstance | null = current.parentId === null ? null : step.elementInstance(current.parentId) ?? null;
    if (catchInScope(step, scope, 'escalation', escalationCode, { escalationCode })) return true;
    current = scope;
  }
  return step.services.processors.callActivity.propagateEscalationToParent(step, source, escalationCode);
}
