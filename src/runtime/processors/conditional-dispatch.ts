/**
 * Variable changes reach conditional events top-down, as in Camunda 7 ("Top-Down Evaluation" and
 * "Scoped Evaluation"): a change in a scope evaluates the conditional events listening in that
 * scope instance, then in the instances nested in it, until an interrupting event fires (which
 * cancels everything below it). A change never reaches events of unrelated scope instances.
 *
 * Changes are collected while an operation runs and dispatched in one later operation of the
 * same step, in the order they happened, one evaluation per change (as Camunda dispatches its
 * delayed variable events): so an element that sets variables and ends in one go (a task
 * completed with variables, an output mapping) is past waiting when they are dispatched.
 */
import type { ConditionalSettings, FlowNode, VariableEventName } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import { conditionHolds, trigger } from './conditional-trigger.js';

export interface VariableChange {
  /** the scope the variable lives in: an element instance id, or the instance id for the process level */
  scopeId: string;
  name: string;
  event: VariableEventName;
  /** order of the change within the step */
  seq: number;
}

interface ConditionalState {
  /** the number of changes so far in this step */
  seq: number;
  /** changes not dispatched yet */
  pending: VariableChange[];
  /** events armed in this step, with the change count when armed: earlier changes were seen by their first evaluation */
  armedAt: Map<string, number>;
}

const states = new WeakMap<Step, ConditionalState>();

export function conditionalState(step: Step): ConditionalState {
  let state = states.get(step);
  if (!state) {
    state = { seq: 0, pending: [], armedAt: new Map() };
    states.set(step, state);
  }
  return state;
}

export function armedKey(holder: ElementInstance | null, eventNode: FlowNode): string {
  return `${holder?.id ?? ''}\u0000${eventNode.id}`;
}

/** Runs every pending change through the conditional events that can see it. */
export function dispatchChanges(step: Step): void {
  const state = conditionalState(step);
  const changes = state.pending.splice(0);
  for (const change of changes) {
    if (change.scopeId === step.rootScope) {
      if (step.instance.state === 'active') visitScope(step, null, change);
    } else {
      const ei = step.elementInstance(change.scopeId);
      if (ei?.state === 'active') step.runGuarded(ei, () => visitElement(step, ei, change));
    }
  }
}

/** The event sub-process starts of a scope (null = the process), then its children. */
function visitScope(step: Step, scopeEi: ElementInstance | null, change: VariableChange): void {
  if (evaluateEventSubProcesses(step, scopeEi, change) === 'interrupted') return;
  for (const child of step.childrenOf(scopeEi?.id ?? null)) {
    if (child.state === 'active') step.runGuarded(child, () => visitElement(step, child, change));
  }
}

function visitElement(step: Step, ei: ElementInstance, change: VariableChange): void {
  const node = step.node(ei);
  if (node.kind === 'intermediateCatchEvent' && node.event?.type === 'conditional') {
    if (wants(step, ei, node, change) && conditionHolds(step, ei, node)) trigger(step, ei, node);
    return;
  }
  if (node.kind === 'eventBasedGateway') {
    for (const branch of conditionalBranches(step, node)) {
      if (ei.state !== 'active') return;
      if (wants(step, ei, branch, change) && conditionHolds(step, ei, branch)) trigger(step, ei, branch);
    }
    return;
  }
  if (node.boundaryEvents?.length) {
    for (const id of node.boundaryEvents) {
      const boundary = step.graph.nodes[id]!;
      if (boundary.event?.type !== 'conditional' || !wants(step, ei, boundary, change) || !conditionHolds(step, ei, boundary)) continue;
      trigger(step, ei, boundary);
      if (ei.state !== 'active') return; // interrupted: nothing below it listens any more
    }
  }
  if (node.kind === 'multiInstanceBody') {
    // the body holds the boundary events; the event sub-processes of a multi-instance sub-process live in its iterations
    for (const inner of step.childrenOf(ei.id)) if (inner.state === 'active') visitElement(step, inner, change);
  } else if (node.scope) {
    visitScope(step, ei, change);
  }
}

/** Evaluates the conditional event sub-process starts of a scope; 'interrupted' when an interrupting one fired. */
function evaluateEventSubProcesses(step: Step, scopeEi: ElementInstance | null, change: VariableChange): 'interrupted' | 'continue' {
  for (const start of conditionalStarts(step, scopeEi)) {
    if (!eventSubProcessesArmed(step, scopeEi)) return 'interrupted';
    if (!wants(step, scopeEi, start, change) || !conditionHolds(step, scopeEi, start)) continue;
    trigger(step, scopeEi, start);
    if (start.interrupting !== false) return 'interrupted';
  }
  return 'continue';
}

/** Whether an event armed on `holder` is still armed (its holder active, its scope not taken over by an interrupting event sub-process). */
export function isArmed(step: Step, holder: ElementInstance | null, eventNode: FlowNode): boolean {
  if (holder === null ? step.instance.state !== 'active' : holder.state !== 'active') return false;
  const isEventSubProcessStart = eventNode.kind === 'startEvent' && eventNode.parent !== null && step.graph.nodes[eventNode.parent]?.scope?.triggeredByEvent === true;
  return !isEventSubProcessStart || eventSubProcessesArmed(step, holder);
}

/** An interrupting event sub-process running in the scope disarms the scope's event sub-processes. */
function eventSubProcessesArmed(step: Step, scopeEi: ElementInstance | null): boolean {
  if (scopeEi === null ? step.instance.state !== 'active' : scopeEi.state !== 'active') return false;
  for (const child of step.childrenOf(scopeEi?.id ?? null)) {
    const node = step.node(child);
    if (!node.scope?.triggeredByEvent) continue;
    const start = step.graph.nodes[node.scope.startEvents[0] ?? ''];
    if (start && start.interrupting !== false) return false;
  }
  return true;
}

/** Whether this change is one the event listens to: not seen by its first evaluation, and through its filters. */
function wants(step: Step, holder: ElementInstance | null, eventNode: FlowNode, change: VariableChange): boolean {
  const armedAt = conditionalState(step).armedAt.get(armedKey(holder, eventNode));
  if (armedAt !== undefined && armedAt >= change.seq) return false;
  return passesFilters(eventNode.event!.conditional!, change.name, change.event);
}

/** `camunda:variableName` and `camunda:variableEvents`. */
export function passesFilters(settings: ConditionalSettings, name: string, event: VariableEventName): boolean {
  if (settings.variableName !== undefined && settings.variableName !== name) return false;
  return settings.variableEvents === undefined || settings.variableEvents.includes(event);
}

function conditionalStarts(step: Step, scopeEi: ElementInstance | null): FlowNode[] {
  const scope = scopeEi ? step.node(scopeEi).scope : step.graph.scope;
  const starts: FlowNode[] = [];
  for (const espId of scope?.eventSubProcesses ?? []) {
    const start = step.graph.nodes[step.graph.nodes[espId]?.scope?.startEvents[0] ?? ''];
    if (start?.event?.type === 'conditional') starts.push(start);
  }
  return starts;
}

function conditionalBranches(step: Step, gateway: FlowNode): FlowNode[] {
  return gateway.outgoing
    .map((flowId) => step.graph.nodes[step.graph.flows[flowId]!.target]!)
    .filter((target) => target.event?.type === 'conditional');
}
