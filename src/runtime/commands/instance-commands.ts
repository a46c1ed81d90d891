import type { FlowNode } from '../../bpmn/graph.js';
import type { DefinitionRecord, InstanceRecord } from '../../store/records.js';
import type { Effect } from '../effects.js';
import { finishStep, inInstance, type EngineCore } from '../engine-core.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { beginInstance } from '../instance-start.js';
import type { Variables } from '../variables.js';
import { ensureDefinitionActive } from './suspension.js';

export interface StartOptions {
  businessKey?: string | null;
  variables?: Variables;
  /** start at this start event (message, signal, timer starts); default: the none start event */
  startEventId?: string;
  /** Zeebe's start instructions: start before these elements of the process scope instead of at a start event */
  startBefore?: readonly string[];
  /** call activities: the calling instance and element instance */
  parentInstanceId?: string;
  parentElementInstanceId?: string;
  actor?: string | null;
}

/** Creates an instance of `definition` and runs it to its first wait states. */
export function startInstance(core: EngineCore, definition: DefinitionRecord, options: StartOptions, effects: Effect[]): InstanceRecord {
  // read inside the start's own transaction (one statement for both checks): a deployment deleted
  // by an earlier command refuses it, and so does a definition suspended since
  const current = core.repository.definitionState(definition.id);
  if (!current) throw new NotFoundError(`No process definition with id '${definition.id}': its deployment was deleted`);
  ensureDefinitionActive({ id: definition.id, suspended: current.suspended });
  const graph = core.services.graphOf(definition.id);
  const start = options.startBefore?.length
    ? chooseStartElements(graph.nodes, options.startBefore, definition.key)
    : chooseStartEvent(graph.scope.startEvents.map((id) => graph.nodes[id]!), options.startEventId, definition.key);
  const step = beginInstance(core.services, {
    definition,
    start,
    businessKey: options.businessKey ?? null,
    variables: options.variables,
    parentInstanceId: options.parentInstanceId,
    parentElementInstanceId: options.parentElementInstanceId,
    actor: options.actor ?? null,
    now: core.clock.now(),
  });
  return finishStep(step, effects, step.instance);
}

/** Zeebe's start instructions: tokens enter these elements of the process scope instead of a start event. */
function chooseStartElements(nodes: Record<string, FlowNode>, ids: readonly string[], key: string): FlowNode[] {
  return ids.map((id) => {
    const node = Object.hasOwn(nodes, id) ? nodes[id] : undefined;
    if (!node) throw new BadRequestError(`Process '${key}' has no element '${id}' to start before`);
    if (node.parent !== null) throw new BadRequestError(`Element '${id}' of process '${key}' is inside '${node.parent}': only elements of the process scope can be started before`);
    if (node.attachedTo !== undefined) throw new BadRequestError(`Element '${id}' of process '${key}' is a boundary event: it cannot be started before`);
    if (node.kind === 'eventSubProcess') throw new BadRequestError(`Element '${id}' of process '${key}' is an event sub-process: it starts by its event`);
    return node;
  });
}

function chooseStartEvent(starts: FlowNode[], startEventId: string | undefined, key: string): FlowNode {
  if (startEventId !== undefined) {
    const chosen = starts.find((s) => s.id === startEventId);
    if (!chosen) throw new BadRequestError(`Process '${key}' has no start event '${startEventId}'`);
    return chosen;
  }
  const none = starts.find((s) => (s.event?.type ?? 'none') === 'none');
  if (!none) throw new BadRequestError(`Process '${key}' has no none start event: it starts by message, signal or timer`);
  return none;
}

/** Cancels an instance: every token is withdrawn, its jobs, tasks and subscriptions go with it. */
export function cancelInstance(core: EngineCore, instanceId: string, reason: string | null, effects: Effect[], actor?: string | null): void {
  inInstance(core, instanceId, effects, (step) => {
    step.recordHistory({ kind: 'instanceCancelled', data: reason === null ? null : JSON.stringify({ reason }) });
    step.transitions.endInstance('terminated', null);
  }, actor);
}

/** Sets (or with `local`, scope-local) variables of an active instance from outside. */
export function modifyVariables(core: EngineCore, instanceId: string, set: Variables, remove: string[], effects: Effect[], actor?: string | null): void {
  inInstance(core, instanceId, effects, (step) => {
    for (const [name, value] of Object.entries(set)) step.setLocalVariable(step.rootScope, name, value);
    for (const name of remove) step.deleteVariable(step.rootScope, name);
  }, actor);
}
