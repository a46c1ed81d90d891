import type { FlowNode } from '../bpmn/graph.js';
import type { DefinitionRecord, InstanceRecord } from '../store/records.js';
import { newId } from './ids.js';
import { Step, type StepServices } from './step.js';
import type { Variables } from './variables.js';

export interface NewInstance {
  definition: DefinitionRecord;
  /** where the instance's tokens enter: its start event, or (Zeebe's start instructions) elements of the process scope */
  start: FlowNode | readonly FlowNode[];
  businessKey: string | null;
  variables?: Variables;
  /** call activities: the calling instance and element instance */
  parentInstanceId?: string;
  parentElementInstanceId?: string;
  actor: string | null;
  now: number;
}

/**
 * The one way an instance begins (a start, a message/signal/timer start, a call activity): its
 * row, its variables, its event sub-processes armed, a token on its start event. Returns the step
 * before it runs; the caller finishes it (`finishStep`).
 */
export function beginInstance(services: StepServices, request: NewInstance): Step {
  const instance: InstanceRecord = {
    id: newId(),
    definitionId: request.definition.id,
    definitionKey: request.definition.key,
    businessKey: request.businessKey,
    state: 'active',
    parentInstanceId: request.parentInstanceId ?? null,
    parentElementInstanceId: request.parentElementInstanceId ?? null,
    startedAt: request.now,
    endedAt: null,
    startElementId: starts(request.start)[0]!.id,
    endElementId: null,
  };
  const step = Step.create(services, instance);
  step.actor = request.actor;
  if (request.variables) step.setVariables(null, request.variables);
  services.processors.eventSubProcess.armScope(step, null);
  for (const node of starts(request.start)) step.transitions.enter(node, null);
  return step;
}

function starts(start: FlowNode | readonly FlowNode[]): readonly FlowNode[] {
  return Array.isArray(start) ? start : [start as FlowNode];
}
