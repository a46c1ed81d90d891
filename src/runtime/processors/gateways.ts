import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';

/** Exclusive gateway: the first outgoing flow whose condition holds, else the default flow. Merging passes through. */
export const exclusiveGateway: ElementProcessor = {
  onActivate(step, ei, node) {
    // no outgoing flow: an implicit end, the token is consumed here (Camunda 7)
    step.transitions.complete(ei, node.outgoing.length === 0 ? [] : step.transitions.selectOutgoing(node, ei.parentId, true));
  },
};

/**
 * Parallel gateway: forks to every outgoing flow; as a join, waits until a token has arrived on
 * every incoming flow, then consumes one token per flow and continues once. Extra tokens on a
 * flow (from a loop, or an exclusive merge in front of the join) wait for the next round.
 */
export const parallelGateway: ElementProcessor = {
  onActivate(step, ei, node) {
    if (node.incoming.length <= 1) return step.transitions.complete(ei, node.outgoing);
    const firstPerFlow = new Map<string, ElementInstance>();
    for (const token of waitingTokens(step, ei)) {
      const flow = token.data.flow ?? '';
      if (!firstPerFlow.has(flow)) firstPerFlow.set(flow, token);
    }
    if (!node.incoming.every((flow) => firstPerFlow.has(flow))) return;
    const [survivor, ...consumed] = node.incoming.map((flow) => firstPerFlow.get(flow)!);
    for (const token of consumed) step.transitions.consume(token);
    step.transitions.complete(survivor!, node.outgoing);
  },
};

/**
 * Inclusive gateway: forks to every flow whose condition holds (else the default). As a join it
 * waits while any other token in the scope can still reach it; the step fires it (`onJoin`)
 * once none can.
 */
export const inclusiveGateway: ElementProcessor = {
  onActivate(step, ei, node) {
    if (node.incoming.length <= 1) return step.transitions.complete(ei, step.transitions.selectOutgoing(node, ei.parentId));
    // wait: Step.fireReadyInclusiveJoins decides when nothing else can arrive
  },
  onJoin(step, ei, node) {
    // every token waiting here merges into the oldest one, which continues
    for (const other of waitingTokens(step, ei)) if (other !== ei) step.transitions.consume(other);
    step.transitions.complete(ei, step.transitions.selectOutgoing(node, ei.parentId));
    return true;
  },
};

/** Tokens waiting at the same join element in the same scope, oldest first. */
function waitingTokens(step: Step, ei: ElementInstance): ElementInstance[] {
  return step.childrenOf(ei.parentId).filter((other) => other.elementId === ei.elementId && other.state === 'active');
}
