/**
 * Camunda 7's process instance modification (`POST /process-instance/{id}/modification`): start
 * tokens before or after activities, on sequence flows, or cancel activity instances — the
 * instructions in order, in one step and one transaction. Starting inside a sub-process that has
 * no instance yet creates its instance first (without running its start event); cancelling the
 * last child of a scope cancels the scope too, and an instance left without any token ends as
 * cancelled ("Cancellation due to process instance modification"), as in Camunda.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { BadRequestError } from '../errors.js';
import { isFinal } from '../lifecycle.js';
import type { ElementInstance, Step } from '../step.js';
import type { Variables } from '../variables.js';
import { ensureInstanceActive } from './suspension.js';

export type ModificationInstruction =
  | { type: 'startBeforeActivity'; activityId: string; ancestorActivityInstanceId?: string; variables?: InstructionVariables }
  | { type: 'startAfterActivity'; activityId: string; ancestorActivityInstanceId?: string; variables?: InstructionVariables }
  | { type: 'startTransition'; transitionId: string; ancestorActivityInstanceId?: string; variables?: InstructionVariables }
  | { type: 'cancel'; activityId?: string; activityInstanceId?: string; transitionInstanceId?: string; cancelCurrentActiveActivityInstances?: boolean };

/** Variables of a start instruction: `local` ones go on the new activity instance, the others where Camunda's setVariable puts them. */
export interface InstructionVariables {
  local: Variables;
  global: Variables;
}

export interface Modification {
  instructions: readonly ModificationInstruction[];
  annotation?: string | null;
}

/** Why the instance ended when a modification left it without tokens (Camunda's delete reason). */
export const MODIFICATION_CANCEL_REASON = 'Cancellation due to process instance modification';

export function modifyInstance(core: EngineCore, instanceId: string, modification: Modification, actor: string | null, effects: Effect[]): void {
  ensureInstanceActive(core, instanceId);
  inInstance(core, instanceId, effects, (step) => {
    // the element instances before any instruction ran (cancelCurrentActiveActivityInstances)
    const before = new Set([...step.elementInstances()].map((ei) => ei.id));
    step.recordHistory({ kind: 'instanceModified', data: JSON.stringify({ instructions: modification.instructions.map(describe), annotation: modification.annotation ?? null }) });
    for (const instruction of modification.instructions) {
      runInstruction(step, instruction, before);
      // each instruction runs to its wait states before the next one, as in Camunda
      step.drain();
    }
    if (step.instance.state === 'active' && step.childrenOf(null).length === 0) {
      step.recordHistory({ kind: 'instanceCancelled', data: JSON.stringify({ reason: MODIFICATION_CANCEL_REASON }) });
      step.transitions.endInstance('terminated', null);
    }
  }, actor);
}

function runInstruction(step: Step, instruction: ModificationInstruction, before: ReadonlySet<string>): void {
  switch (instruction.type) {
    case 'startBeforeActivity': {
      const what = `Start before activity '${instruction.activityId}'`;
      const node = elementOf(step, instruction.activityId, what);
      if (node.attachedTo !== undefined) fail(what, `'${node.id}' is a boundary event: start after it to take its outgoing flow`);
      if (node.parent !== null && step.graph.nodes[node.parent]?.scope?.triggeredByEvent && node.kind === 'startEvent') {
        fail(what, `'${node.id}' is the start event of an event sub-process: it starts by its event`);
      }
      const scopeId = scopeFor(step, node.parent, instruction.ancestorActivityInstanceId, what);
      setVariables(step, scopeId, instruction.variables?.global);
      const ei = step.transitions.enter(node, scopeId);
      setLocalVariables(step, ei.id, instruction.variables?.local);
      return;
    }
    case 'startAfterActivity': {
      const what = `Start after activity '${instruction.activityId}'`;
      const node = elementOf(step, instruction.activityId, what);
      if (node.outgoing.length === 0) fail(what, `Activity '${node.id}' has no outgoing sequence flow to take`);
      if (node.outgoing.length > 1) fail(what, `Activity '${node.id}' has more than one outgoing sequence flow`);
      return startOnFlow(step, node.outgoing[0]!, instruction.ancestorActivityInstanceId, instruction.variables, what);
    }
    case 'startTransition': {
      const what = `Start transition '${instruction.transitionId}'`;
      if (!Object.hasOwn(step.graph.flows, instruction.transitionId)) fail(what, `Sequence flow '${instruction.transitionId}' does not exist in process '${step.graph.id}'`);
      return startOnFlow(step, instruction.transitionId, instruction.ancestorActivityInstanceId, instruction.variables, what);
    }
    case 'cancel':
      return cancel(step, instruction, before);
    default: {
      const unknown: never = instruction;
      throw new BadRequestError(`Unknown instruction ${JSON.stringify(unknown)}`);
    }
  }
}

function startOnFlow(step: Step, flowId: string, ancestor: string | undefined, variables: InstructionVariables | undefined, what: string): void {
  const flow = step.graph.flows[flowId]!;
  const target = step.graph.nodes[flow.target]!;
  const scopeId = scopeFor(step, target.parent, ancestor, what);
  setVariables(step, scopeId, variables?.global);
  const ei = step.transitions.enter(target, scopeId, flowId);
  setLocalVariables(step, ei.id, variables?.local);
}

function cancel(step: Step, instruction: Extract<ModificationInstruction, { type: 'cancel' }>, before: ReadonlySet<string>): void {
  if (instruction.activityInstanceId !== undefined || instruction.transitionInstanceId !== undefined) {
    const transition = instruction.activityInstanceId === undefined;
    const id = (instruction.activityInstanceId ?? instruction.transitionInstanceId)!;
    const what = transition ? `Cancel transition instance '${id}'` : `Cancel activity instance '${id}'`;
    if (id === step.instance.id) {
      for (const child of step.childrenOf(null)) step.transitions.terminate(child);
      return;
    }
    const ei = step.elementInstance(id);
    // an asyncBefore token that has not run yet is a transition instance in Camunda, any other an activity instance
    if (!ei || isFinal(ei.state) || (transition && ei.state !== 'ready')) fail(what, `${transition ? 'Transition' : 'Activity'} instance '${id}' does not exist`);
    return cancelWithEmptyScopes(step, ei);
  }
  if (instruction.activityId === undefined) throw new BadRequestError("For instruction type 'cancel': 'activityId', 'activityInstanceId' or 'transitionInstanceId' must be set");
  const what = `Cancel all instances of activity '${instruction.activityId}'`;
  elementOf(step, instruction.activityId, what);
  const instances = [...step.elementInstances()].filter((ei) => ei.elementId === instruction.activityId && !isFinal(ei.state)
    && (!instruction.cancelCurrentActiveActivityInstances || before.has(ei.id)));
  for (const ei of instances) if (!isFinal(ei.state)) cancelWithEmptyScopes(step, outermost(step, ei));
}

/** A multi-instance inner instance is cancelled with its body (the activity as a whole). */
function outermost(step: Step, ei: ElementInstance): ElementInstance {
  const parent = ei.parentId === null ? undefined : step.elementInstance(ei.parentId);
  return parent && parent.elementId === ei.elementId ? parent : ei;
}

/** Cancels an element instance and every enclosing scope it would leave empty (Camunda's topmost cancellable instance); never the process instance itself. */
function cancelWithEmptyScopes(step: Step, ei: ElementInstance): void {
  let target = ei;
  for (;;) {
    const parent = target.parentId === null ? undefined : step.elementInstance(target.parentId);
    if (!parent || step.childrenOf(parent.id).some((child) => child.id !== target.id)) break;
    target = parent;
  }
  step.transitions.terminate(target);
}

/**
 * The element instance of `scopeElementId` (null: the process level) that a new token goes into:
 * the given ancestor's descendant, or the only instance there is; missing sub-process instances
 * on the way are created without running their start events.
 */
function scopeFor(step: Step, scopeElementId: string | null, ancestorId: string | undefined, what: string): string | null {
  const path: string[] = [];
  for (let id = scopeElementId; id !== null; id = step.graph.nodes[id]!.parent) path.unshift(id);
  let current: string | null = null;
  let depth = 0;
  if (ancestorId !== undefined && ancestorId !== step.instance.id) {
    const ancestor = step.elementInstance(ancestorId);
    if (!ancestor || isFinal(ancestor.state)) fail(what, `Ancestor activity instance '${ancestorId}' does not exist`);
    depth = path.indexOf(ancestor.elementId) + 1;
    if (depth === 0) fail(what, `Scope execution for '${ancestorId}' cannot be found in parent hierarchy of flow element '${scopeElementId ?? step.graph.id}'`);
    current = innerScopeOf(step, ancestor).id;
  }
  for (; depth < path.length; depth++) {
    const scopeNode = step.graph.nodes[path[depth]!]!;
    const existing = step.childrenOf(current).filter((ei) => ei.elementId === scopeNode.id).map((ei) => innerScopesOf(step, ei)).flat();
    if (existing.length > 1) {
      fail(what, `Ancestor activity instance is ambiguous: '${scopeNode.id}' has ${existing.length} instances; set ancestorActivityInstanceId`);
    }
    if (existing.length === 1) {
      current = existing[0]!.id;
      continue;
    }
    if (scopeNode.kind !== 'subProcess' || scopeNode.scope?.triggeredByEvent || scopeNode.multiInstance) {
      fail(what, `'${scopeNode.id}' has no instance and only an embedded sub-process (not an event sub-process or a multi-instance one) can be created by a modification`);
    }
    // entered like a token arriving, but its processor starts no start event (see `scopeOnly`)
    current = step.transitions.enter(scopeNode, current, undefined, { scopeOnly: true }).id;
  }
  return current;
}

/** The instances where a scope element's children live: a multi-instance body's inner instances, else the instance itself. */
function innerScopesOf(step: Step, ei: ElementInstance): ElementInstance[] {
  return step.node(ei).kind === 'multiInstanceBody' ? step.childrenOf(ei.id).filter((inner) => inner.elementId === ei.elementId) : [ei];
}

function innerScopeOf(step: Step, ei: ElementInstance): ElementInstance {
  const inner = innerScopesOf(step, ei);
  if (inner.length !== 1) throw new BadRequestError(`Activity instance '${ei.id}' is a multi-instance body with ${inner.length} instances: name one of them as the ancestor`);
  return inner[0]!;
}

function elementOf(step: Step, id: string, what: string): FlowNode {
  const node = Object.hasOwn(step.graph.nodes, id) ? step.graph.nodes[id] : undefined;
  if (!node) fail(what, `Element '${id}' does not exist in process '${step.graph.id}'`);
  return node;
}

function setVariables(step: Step, scopeId: string | null, variables: Variables | undefined): void {
  if (variables) step.setVariables(scopeId, variables);
}

function setLocalVariables(step: Step, elementInstanceId: string, variables: Variables | undefined): void {
  if (variables) for (const [name, value] of Object.entries(variables)) step.setLocalVariable(elementInstanceId, name, value);
}

function fail(instruction: string, reason: string): never {
  throw new BadRequestError(`Cannot perform instruction: ${instruction}; ${reason}`);
}

function describe(instruction: ModificationInstruction): Record<string, unknown> {
  const { ...plain } = instruction as Record<string, unknown>;
  delete plain.variables;
  return plain;
}
