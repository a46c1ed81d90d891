import type { FlowNode, NodeKind } from '../../bpmn/graph.js';
import type { Behaviour } from './behaviour.js';
import { IncidentError } from '../errors.js';
import { passThrough, jobTask, userTask, scriptTask } from './tasks.js';
import { businessRuleTask } from './business-rule-task.js';
import { exclusiveGateway, parallelGateway, inclusiveGateway } from './gateways.js';
import { startEvent, endEvent, intermediateThrowEvent, boundaryEvent } from './events.js';
import { subProcess } from './sub-processes.js';
import { intermediateCatchEvent, receiveTask } from './catch-events.js';
import { eventBasedGateway } from './event-gateway.js';
import { eventSubProcess } from './event-sub-processes.js';
import { callActivity } from './call-activities.js';
import { multiInstanceBody, isMultiInstanceBody } from './multi-instance.js';
import type { ElementInstanceRecord } from '../../store/records.js';

export { isMultiInstanceBody, isMultiInstanceInner, collectInnerOutput, innerCompleted } from './multi-instance.js';

const behaviours: Partial<Record<NodeKind, Behaviour>> = {
  startEvent,
  endEvent,
  intermediateThrowEvent,
  boundaryEvent,
  task: passThrough,
  manualTask: passThrough,
  serviceTask: jobTask,
  sendTask: jobTask,
  businessRuleTask,
  userTask,
  scriptTask,
  exclusiveGateway,
  parallelGateway,
  inclusiveGateway,
  subProcess,
  intermediateCatchEvent,
  receiveTask,
  eventBasedGateway,
  callActivity,
};

const unsupported: Behaviour = {
  onActivate(_step, _ei, node) {
    throw new IncidentError(`Element '${node.id}' (${node.type}) cannot run in this engine version`);
  },
};

/**
 * The behaviour for an element instance: a multi-instance body (the element instance entered
 * over the flow, before its inner instances) behaves as the loop; an event sub-process as one.
 */
export function behaviourOf(node: FlowNode, ei?: ElementInstanceRecord): Behaviour {
  if (ei && node.multiInstance && isMultiInstanceBody(ei, node)) return multiInstanceBody;
  if (node.scope?.triggeredByEvent) return eventSubProcess;
  return behaviours[node.kind] ?? unsupported;
}

/** Later element families register themselves here (one file each). */
export function registerBehaviour(kind: NodeKind, behaviour: Behaviour): void {
  behaviours[kind] = behaviour;
}
