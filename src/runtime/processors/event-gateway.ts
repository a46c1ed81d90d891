/**
 * Event-based gateway: arms the event of every branch (timer, message, signal, receive task);
 * the first one to fire wins, and the gateway ends, withdrawing the other branches' timers and
 * subscriptions with it. The winning catch element is entered already triggered.
 */
import type { ElementProcessor } from './processor.js';
import { armEvent } from '../events/arming.js';

export const eventBasedGateway: ElementProcessor = {
  onActivate(step, ei, node) {
    for (const flowId of node.outgoing) {
      const target = step.graph.nodes[step.graph.flows[flowId]!.target]!;
      armEvent(step, ei, target);
    }
    ei.data = { ...ei.data, waiting: true };
    ei.changed = true;
  },
  /** the branch whose event fired wins: its catch element is entered already triggered */
  onEvent(step, gateway, node, trigger, target) {
    const flowId = node.outgoing.find((id) => step.graph.flows[id]!.target === target.id);
    if (flowId === undefined) return;
    step.transitions.consume(gateway);
    if (trigger.variables) step.setVariables(gateway.parentId, trigger.variables);
    step.transitions.takeFlow(flowId, gateway.parentId, { triggered: true });
  },
};
