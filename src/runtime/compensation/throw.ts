/**
 * Throwing compensation (BPMN 2.0 §10.7.2): the completed activities of the thrower's scope —
 * or only `activityRef` — are compensated in reverse order of completion, each handler with the
 * snapshot of its activity's variables. A completed sub-process without a handler of its own is
 * compensated through the activities that completed inside it (recursively), a sub-process with
 * a compensation event sub-process through that. The thrower holds the handlers as its children,
 * one at a time, and the handlers still to run in its data, so a crash resumes exactly there.
 */
import type { Step, ElementInstance } from '../step.js';
import type { CompensationRecord, CompensationStep } from '../../store/records.js';
import { IncidentError } from '../errors.js';
import { consume, decodeSnapshot, mergeSnapshots, subscriptionsIn } from './subscriptions.js';

/**
 * Starts compensating from `thrower`. With `wait` the thrower holds the handlers and true is
 * returned while one runs (call `runNextHandler` when it ends); without, every handler starts
 * at once next to the thrower and false is returned, as when there is nothing to compensate.
 */
export function startCompensation(step: Step, thrower: ElementInstance, activityRef: string | undefined, wait: boolean): boolean {
  const scopeId = throwScope(step, thrower);
  const records = subscriptionsIn(step, scopeId).filter((record) => activityRef === undefined || record.elementId === activityRef);
  const plan: CompensationStep[] = [];
  for (const record of records.reverse()) expand(step, record, '[]', plan);
  step.recordHistory({
    kind: 'compensationThrown',
    elementInstanceId: thrower.id,
    elementId: thrower.elementId,
    data: JSON.stringify({ activityRef: activityRef ?? null, activities: plan.map((item) => item.elementId) }),
  });
  if (!wait) {
    for (const item of plan) startHandler(step, item, thrower.parentId);
    return false;
  }
  thrower.data = { ...thrower.data, compensation: plan };
  thrower.changed = true;
  return runNextHandler(step, thrower);
}

/** The previous handler of `thrower` ended: start the next one (true), or say that none is left (false). */
export function runNextHandler(step: Step, thrower: ElementInstance): boolean {
  const [next, ...rest] = thrower.data.compensation ?? [];
  if (next === undefined) {
    const data = { ...thrower.data };
    delete data.compensation;
    thrower.data = data;
    thrower.changed = true;
    return false;
  }
  thrower.data = { ...thrower.data, compensation: rest };
  thrower.changed = true;
  startHandler(step, next, thrower.id);
  return true;
}

/**
 * Whose completed activities a throw compensates: its own scope's; inside an event sub-process
 * the scope the event sub-process belongs to, or — in a compensation event sub-process — the
 * completed sub-process it compensates.
 */
function throwScope(step: Step, thrower: ElementInstance): string | null {
  if (thrower.parentId === null) return null;
  const parent = step.elementInstance(thrower.parentId);
  if (!parent || !step.node(parent).scope?.triggeredByEvent) return thrower.parentId;
  return parent.data.compensationOf ?? parent.parentId;
}

/** A subscription becomes handler runs: its own handler, or those of what completed inside it, newest first. */
function expand(step: Step, record: CompensationRecord, outer: string, plan: CompensationStep[]): void {
  consume(step, record);
  const variables = mergeSnapshots(outer, record.variables);
  if (record.handlerId !== null) {
    plan.push({ elementId: record.elementId, elementInstanceId: record.elementInstanceId, handlerId: record.handlerId, variables });
    return;
  }
  for (const inner of subscriptionsIn(step, record.elementInstanceId).reverse()) expand(step, inner, variables, plan);
}

function startHandler(step: Step, item: CompensationStep, parentId: string | null): void {
  const handler = step.graph.nodes[item.handlerId];
  if (!handler) throw new IncidentError(`Compensation handler '${item.handlerId}' of '${item.elementId}' is not in process '${step.graph.id}'`);
  // a compensation event sub-process compensates inside the completed sub-process it belongs to
  const data = handler.scope?.triggeredByEvent ? { compensationOf: item.elementInstanceId } : {};
  const ei = step.transitions.enter(handler, parentId, undefined, data);
  for (const [name, value] of Object.entries(decodeSnapshot(item.variables))) step.setLocalVariable(ei.id, name, value);
  step.recordHistory({
    kind: 'compensationHandlerStarted',
    elementInstanceId: ei.id,
    elementId: handler.id,
    data: JSON.stringify({ activity: item.elementId, activityInstanceId: item.elementInstanceId }),
  });
}
