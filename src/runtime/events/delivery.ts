/**
 * Delivering an event to whoever waits for it: a boundary event's activity, an event
 * sub-process's scope, an event-based gateway, or the catch element itself.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import type { EventTrigger } from '../processors/processor.js';
import { triggerEventSubProcess } from '../processors/event-sub-processes.js';

/** A timer fired or a message/signal arrived for `eventNode`, held by `holder`: act on it. */
export function deliver(step: Step, holder: ElementInstance | null, eventNode: FlowNode, trigger: EventTrigger): void {
  const run = () => {
    if (eventNode.kind === 'boundaryEvent') {
      if (holder) triggerBoundary(step, holder, eventNode, trigger);
      return;
    }
    const parent = eventNode.parent === null ? undefined : step.graph.nodes[eventNode.parent];
    if (eventNode.kind === 'startEvent' && parent?.kind === 'eventSubProcess') {
      triggerEventSubProcess(step, holder, parent, eventNode, { variables: trigger.variables });
      return;
    }
    if (!holder || holder.state !== 'active') return;
    const holderNode = step.node(holder);
    step.processor(holder).onEvent?.(step, holder, holderNode, trigger, eventNode);
  };
  if (holder) step.runGuarded(holder, run);
  else run();
}

/** A timer, message or signal boundary event fired on the activity `attached`. */
function triggerBoundary(step: Step, attached: ElementInstance, boundary: FlowNode, trigger: EventTrigger): void {
  if (attached.state !== 'active') return;
  if (boundary.cancelActivity !== false) step.transitions.terminate(attached);
  if (trigger.variables) step.setVariables(attached.parentId, trigger.variables);
  step.transitions.enter(boundary, attached.parentId);
}

/** A repeating timer keeps its job after firing: non-interrupting boundary events and event sub-process starts. */
export function timerRepeats(node: FlowNode): boolean {
  if (node.kind === 'boundaryEvent') return node.cancelActivity === false;
  if (node.kind === 'startEvent') return node.interrupting === false || node.parent === null;
  return false;
}
