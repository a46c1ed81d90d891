/** Evaluating a conditional event's condition, and acting on it when it holds. */
import type { FlowNode } from '../../bpmn/graph.js';
import type { Step, ElementInstance } from '../step.js';
import { ExpressionError } from '../../expressions/index.js';
import { deliver } from '../events/delivery.js';

/** Evaluates the condition of `eventNode` in the scope of its holder; an unknown variable makes it false. */
export function conditionHolds(step: Step, holder: ElementInstance | null, eventNode: FlowNode): boolean {
  const condition = eventNode.event?.conditional?.condition;
  if (!condition) return false;
  try {
    return step.evaluateCondition(condition, step.visibleVariables(holder?.id ?? null), eventNode);
  } catch (error) {
    if (isMissingVariable(error)) return false;
    throw error;
  }
}

/** JUEL's unknown variable, FEEL's null from an undefined one: Camunda's `tryEvaluate` reads both as false. */
export function isMissingVariable(error: unknown): boolean {
  return error instanceof ExpressionError && error.variable !== undefined && /Unknown variable|is not defined/.test(error.message);
}

/** The condition held: act as the event's kind does (boundary, event sub-process start, gateway branch, catch event). */
export function trigger(step: Step, holder: ElementInstance | null, eventNode: FlowNode): void {
  deliver(step, holder, eventNode, { kind: 'conditional' });
}
