import type { FlowNode, NodeKind } from '../../bpmn/graph.js';
import type { Behaviour } from './behaviour.js';
import { IncidentError } from '../errors.js';
import { passThrough, jobTask, userTask, scriptTask } from './tasks.js';
import { exclusiveGateway, parallelGateway, inclusiveGateway } from './gateways.js';
import { startEvent, endEvent, intermediateThrowEvent, boundaryEvent } from './events.js';
import { subProcess } from './sub-processes.js';

const behaviours: Partial<Record<NodeKind, Behaviour>> = {
  startEvent,
  endEvent,
  intermediateThrowEvent,
  boundaryEvent,
  task: passThrough,
  manualTask: passThrough,
  serviceTask: jobTask,
  sendTask: jobTask,
  businessRuleTask: jobTask,
  userTask,
  scriptTask,
  exclusiveGateway,
  parallelGateway,
  inclusiveGateway,
  subProcess,
};

const unsupported: Behaviour = {
  onActivate(_step, _ei, node) {
    throw new IncidentError(`Element '${node.id}' (${node.type}) cannot run in this engine version`);
  },
};

export function behaviourOf(node: FlowNode): Behaviour {
  return behaviours[node.kind] ?? unsupported;
}

/** Later element families register themselves here (one file each). */
export function registerBehaviour(kind: NodeKind, behaviour: Behaviour): void {
  behaviours[kind] = behaviour;
}
