/**
 * What starts inner elements of an ad-hoc sub-process from outside: an activation (the /v2 route)
 * or a job worker's decision (the Camunda 8 job result `adHocSubProcess`), checked before anything
 * changes so a bad one is a 400 that loses nothing.
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { Variables } from '../variables.js';
import { BadRequestError } from '../errors.js';

/** One element to start, with the variables it gets as its own (local) variables. */
export interface AdHocActivation {
  elementId: string;
  variables?: Variables;
}

export interface WorkerDecision {
  activateElements: AdHocActivation[];
  completionConditionFulfilled: boolean;
  cancelRemainingInstances: boolean;
}

/** A Camunda 8 job result of type `adHocSubProcess`, checked before anything changes (a 400 otherwise). */
export function decisionOf(node: FlowNode, result: unknown): WorkerDecision {
  if (result === undefined || result === null) return { activateElements: [], completionConditionFulfilled: false, cancelRemainingInstances: false };
  if (typeof result !== 'object' || Array.isArray(result)) throw new BadRequestError('The job result must be an object');
  const r = result as Record<string, unknown>;
  const flag = (name: string): boolean => {
    if (r[name] === undefined || r[name] === null) return false;
    if (typeof r[name] !== 'boolean') throw new BadRequestError(`The job result's ${name} must be a boolean`);
    return r[name] as boolean;
  };
  const list = r.activateElements ?? [];
  if (!Array.isArray(list)) throw new BadRequestError("The job result's activateElements must be a list");
  const activateElements = list.map((entry: unknown, index) => {
    const e = entry as Record<string, unknown> | null;
    if (typeof e?.elementId !== 'string') throw new BadRequestError(`activateElements[${index}] needs an elementId`);
    if (e.variables !== undefined && e.variables !== null && (typeof e.variables !== 'object' || Array.isArray(e.variables))) {
      throw new BadRequestError(`activateElements[${index}].variables must be an object`);
    }
    return { elementId: e.elementId, ...(e.variables ? { variables: e.variables as Variables } : {}) };
  });
  const decision = { activateElements, completionConditionFulfilled: flag('isCompletionConditionFulfilled'), cancelRemainingInstances: flag('isCancelRemainingInstances') };
  if (decision.completionConditionFulfilled && activateElements.length > 0) {
    throw new BadRequestError(`The job result of ad-hoc sub-process '${node.id}' cannot both fulfil the completion condition and activate elements`);
  }
  checkActivatable(node, activateElements);
  return decision;
}

/** Every element named must be one the ad-hoc sub-process can start (a 400 naming the others). */
export function checkActivatable(node: FlowNode, elements: readonly AdHocActivation[]): void {
  const activatable = node.adHoc!.activatable;
  const unknown = elements.map((e) => e.elementId).filter((id) => !activatable.includes(id));
  if (unknown.length > 0) {
    throw new BadRequestError(`Ad-hoc sub-process '${node.id}' cannot activate ${unknown.map((id) => `'${id}'`).join(', ')}: the elements it can activate are ${activatable.map((id) => `'${id}'`).join(', ')}`);
  }
}
