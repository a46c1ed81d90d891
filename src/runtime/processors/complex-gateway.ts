/**
 * Complex gateway (BPMN 2.0 §10.5.5, execution semantics §13.3.5).
 *
 * Fork: like an inclusive gateway, every outgoing flow whose condition holds (else the default).
 *
 * Join, in two phases:
 * - *waiting for start*: each arriving token re-evaluates the activation condition, with
 *   `activationCount` = how many incoming flows hold a token. When it holds, the gateway fires:
 *   it consumes one token per flow that has one and continues once. Without an activation
 *   condition it fires when no further token can arrive (as an inclusive join).
 * - *waiting for reset*: the flows that had no token when it fired are still owed one. The
 *   gateway stays as an element instance holding `resetAwaiting`; tokens arriving on those flows
 *   are consumed without continuing, and the reset ends when every owed flow delivered or no
 *   further token can arrive. Tokens on the other flows wait for the next round.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { ElementProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import { IncidentError } from '../errors.js';

export const complexGateway: ElementProcessor = {
  onActivate(step, ei, node) {
    if (node.incoming.length <= 1) return step.transitions.complete(ei, step.transitions.selectOutgoing(node, ei.parentId));
    if (ei.data.resetAwaiting) return; // the gateway itself, waiting for its reset
    const holder = resetHolder(step, ei);
    if (holder) return arriveDuringReset(step, holder, ei, node);
    if (node.activationCondition && activated(step, ei, node)) fire(step, ei, node);
    // otherwise wait: for more tokens, or for the step's check that none can arrive any more
  },

  onJoin(step, ei, node) {
    const holder = ei.data.resetAwaiting ? ei : resetHolder(step, ei);
    if (holder) {
      // nothing can arrive on the owed flows any more
      endReset(step, holder, node);
      return true;
    }
    if (!node.activationCondition) {
      fire(step, ei, node);
      return true;
    }
    if (activated(step, ei, node)) {
      fire(step, ei, node);
      return true;
    }
    throw new IncidentError(`Complex gateway '${node.id}': its activation condition (${node.activationCondition.source}) is false and no further token can arrive`);
  },
};

/** Tokens waiting at this gateway in the same scope for the start phase, oldest first. */
function waitingTokens(step: Step, ei: ElementInstance): ElementInstance[] {
  return step.childrenOf(ei.parentId).filter((other) => other.elementId === ei.elementId && other.state === 'active' && !other.data.resetAwaiting);
}

function resetHolder(step: Step, ei: ElementInstance): ElementInstance | undefined {
  return step.childrenOf(ei.parentId).find((other) => other.elementId === ei.elementId && other.data.resetAwaiting !== undefined);
}

function firstTokenPerFlow(tokens: readonly ElementInstance[]): Map<string, ElementInstance> {
  const first = new Map<string, ElementInstance>();
  for (const token of tokens) {
    const flow = token.data.flow ?? '';
    if (!first.has(flow)) first.set(flow, token);
  }
  return first;
}

function activated(step: Step, ei: ElementInstance, node: FlowNode): boolean {
  const perFlow = firstTokenPerFlow(waitingTokens(step, ei));
  const variables = { ...step.visibleVariables(ei.parentId), activationCount: perFlow.size };
  return step.evaluateCondition(node.activationCondition!, variables, node);
}

/** Consumes one token per flow that has one, continues once, and owes a reset for the flows that had none. */
function fire(step: Step, ei: ElementInstance, node: FlowNode): void {
  const perFlow = firstTokenPerFlow(waitingTokens(step, ei));
  const [survivor, ...consumed] = [...perFlow.values()];
  if (!survivor) return;
  const owed = node.incoming.filter((flow) => !perFlow.has(flow));
  for (const token of consumed) step.transitions.consume(token);
  step.recordHistory({ kind: 'gatewayActivated', elementInstanceId: survivor.id, elementId: node.id, data: JSON.stringify({ flows: [...perFlow.keys()], owed }) });
  const parentId = survivor.parentId;
  step.transitions.complete(survivor, step.transitions.selectOutgoing(node, parentId));
  if (owed.length > 0) step.transitions.enter(node, parentId, undefined, { resetAwaiting: owed });
}

function arriveDuringReset(step: Step, holder: ElementInstance, token: ElementInstance, node: FlowNode): void {
  const owed = holder.data.resetAwaiting!;
  const flow = token.data.flow;
  if (flow === undefined || !owed.includes(flow)) return; // belongs to the next round
  step.transitions.consume(token);
  const remaining = owed.filter((id) => id !== flow);
  holder.data = { ...holder.data, resetAwaiting: remaining };
  holder.changed = true;
  if (remaining.length === 0) endReset(step, holder, node);
}

/** The reset is over: the gateway waits for a start again, and tokens of the next round may already fire it. */
function endReset(step: Step, holder: ElementInstance, node: FlowNode): void {
  const parentId = holder.parentId;
  step.transitions.consume(holder);
  const next = step.childrenOf(parentId).find((other) => other.elementId === node.id && other.state === 'active');
  if (next && node.activationCondition && activated(step, next, node)) fire(step, next, node);
  step.transitions.tokenEnded(parentId);
}
