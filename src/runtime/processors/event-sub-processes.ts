/**
 * Event sub-processes: armed when their scope is entered (timer, message, signal starts) or found
 * by propagation (error, escalation starts). An interrupting one withdraws every other token of
 * its scope and disarms the scope's event sub-processes; the scope then completes when it does.
 * A non-interrupting one runs next to the scope's tokens, as often as its trigger fires.
 */
import type { FlowNode, ScopeSettings } from '../../bpmn/graph.js';
import type { EventSubProcessProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import type { Variables } from '../variables.js';
import { IncidentError } from '../errors.js';
import { setErrorVariables } from '../error-propagation.js';
import { armEvent, releaseScopeEvent } from '../events/arming.js';
import { eventSubProcessCatcher } from '../catchers.js';
import { isLoopBodyKind } from '../element-kind.js';

/** The event sub-process element itself: its only start event is entered at once (already triggered). */
export const eventSubProcess: EventSubProcessProcessor = {
  onActivate(step, ei, node) {
    const startId = node.scope?.startEvents[0];
    if (!startId) throw new IncidentError(`Event sub-process '${node.id}' has no start event`);
    armEventSubProcesses(step, ei);
    step.transitions.enter(step.graph.nodes[startId]!, ei.id);
  },
  onChildrenDone(step, ei) {
    step.transitions.complete(ei);
  },
  armScope: (step, scopeEi) => armEventSubProcesses(step, scopeEi),
  catchError: (step, scopeEi, code, message, variables) => catchErrorInScope(step, scopeEi, code, message, variables),
};

function scopeOf(step: Step, scopeEi: ElementInstance | null): ScopeSettings | undefined {
  return scopeEi ? step.node(scopeEi).scope : step.graph.scope;
}

function startOf(step: Step, espId: string): FlowNode | undefined {
  const id = step.graph.nodes[espId]?.scope?.startEvents[0];
  return id === undefined ? undefined : step.graph.nodes[id];
}

/** A scope was entered (null = the process): arm the timer, message and signal starts of its event sub-processes. */
function armEventSubProcesses(step: Step, scopeEi: ElementInstance | null): void {
  const scope = scopeOf(step, scopeEi);
  if (!scope?.eventSubProcesses.length) return;
  for (const espId of scope.eventSubProcesses) {
    const start = startOf(step, espId);
    if (start) armEvent(step, scopeEi, start, start.interrupting !== false);
  }
}

export interface EventSubProcessTrigger {
  variables?: Variables;
  error?: { code: string; message: string; variables?: Variables };
  /** the escalation code, for `camunda:escalationCodeVariable` */
  escalationCode?: string;
}

/** Starts `esp` in the scope `scopeEi` (null = the process level) because `start` was triggered. */
export function triggerEventSubProcess(step: Step, scopeEi: ElementInstance | null, esp: FlowNode, start: FlowNode, trigger: EventSubProcessTrigger = {}): void {
  if (scopeEi ? scopeEi.state !== 'active' : step.instance.state !== 'active') return;
  const scopeId = scopeEi?.id ?? null;
  if (start.interrupting !== false) {
    const scope = scopeOf(step, scopeEi);
    for (const espId of scope?.eventSubProcesses ?? []) {
      const other = startOf(step, espId);
      if (other) releaseScopeEvent(step, scopeId, other.id);
    }
    for (const child of step.childrenOf(scopeId)) step.transitions.terminate(child);
  }
  if (trigger.variables) step.setVariables(scopeId, trigger.variables);
  if (trigger.error) setErrorVariables(step, start, scopeId, trigger.error.code, trigger.error.message, trigger.error.variables);
  if (trigger.escalationCode !== undefined && start.event?.escalationCodeVariable) step.setVariable(scopeId, start.event.escalationCodeVariable, trigger.escalationCode);
  step.recordHistory({ kind: 'eventSubProcessTriggered', elementId: esp.id, data: JSON.stringify({ start: start.id, interrupting: start.interrupting !== false }) });
  step.transitions.enter(esp, scopeId);
}

/**
 * An error or escalation reached the scope `scopeEi` (null = the process): an event sub-process
 * with a start for this code (before a catch-all one) takes it. True when one did.
 */
export function catchInScope(
  step: Step,
  scopeEi: ElementInstance | null,
  type: 'error' | 'escalation',
  code: string,
  trigger: EventSubProcessTrigger = {},
): boolean {
  if (scopeEi && isLoopBodyKind(step.node(scopeEi).kind)) return false;
  const found = eventSubProcessCatcher(step.graph, scopeOf(step, scopeEi), type, code);
  if (!found) return false;
  triggerEventSubProcess(step, scopeEi, found.eventSubProcess, found.start, trigger);
  return true;
}

/** An error reached the scope: an error event sub-process there takes it. */
function catchErrorInScope(step: Step, scopeEi: ElementInstance | null, code: string, message: string, variables?: Variables): boolean {
  return catchInScope(step, scopeEi, 'error', code, { error: { code, message, variables } });
}
