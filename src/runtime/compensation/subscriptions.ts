/**
 * Compensation subscriptions while a step runs: which completed activities can still be
 * compensated, in the order they completed, each with a snapshot of its local variables. Read
 * from the store once per step (only in processes that can compensate), changed in memory and
 * through the step's change set, so a crash never loses or repeats one.
 */
import { newId } from '../ids.js';
import type { Step, ElementInstance } from '../step.js';
import type { FlowNode, ProcessGraph } from '../../bpmn/graph.js';
import type { CompensationRecord } from '../../store/records.js';
import { decodeValue, encodeValue } from '../../store/variables.js';
import type { Variables } from '../variables.js';

const loaded = new WeakMap<Step, CompensationRecord[]>();
const compensating = new WeakMap<ProcessGraph, boolean>();

/** Whether anything in the process can be compensated (most processes cannot: they pay nothing). */
export function canCompensate(graph: ProcessGraph): boolean {
  let result = compensating.get(graph);
  if (result === undefined) {
    result = Object.values(graph.nodes).some((node) => node.compensationHandler !== undefined || node.scope?.compensationEventSubProcess !== undefined);
    compensating.set(graph, result);
  }
  return result;
}

function subscriptionsOf(step: Step): CompensationRecord[] {
  let records = loaded.get(step);
  if (!records) {
    records = step.services.store.compensations.ofInstance(step.instance.id);
    loaded.set(step, records);
  }
  return records;
}

/** The subscriptions of activities that completed directly in scope `scopeId` (null = the process), oldest first. */
export function subscriptionsIn(step: Step, scopeId: string | null): CompensationRecord[] {
  return subscriptionsOf(step).filter((record) => record.scopeId === scopeId);
}

/** The scope a completed activity's subscription belongs to: where a compensation throw finds it. */
function compensationScope(step: Step, ei: ElementInstance): string | null {
  // the iterations of a multi-instance activity complete in the body's scope
  const body = step.loopBodyOf(ei);
  return body ? body.parentId : ei.parentId;
}

/**
 * An activity completed: if it can be compensated — it has a compensation handler, or it is a
 * sub-process with a compensation event sub-process or with compensable activities inside —
 * subscribe it, with a snapshot of its local variables, before its scope's variables go.
 */
export function subscribeCompleted(step: Step, ei: ElementInstance, node: FlowNode): void {
  if (!canCompensate(step.graph) || node.isForCompensation || node.kind === 'multiInstanceBody') return;
  let handlerId: string | null;
  if (node.compensationHandler !== undefined) handlerId = node.compensationHandler;
  else if (node.scope?.compensationEventSubProcess !== undefined) handlerId = node.scope.compensationEventSubProcess;
  else if (node.scope && !node.scope.triggeredByEvent && subscriptionsIn(step, ei.id).length > 0) handlerId = null;
  else return;
  const record: CompensationRecord = {
    id: newId(),
    instanceId: step.instance.id,
    scopeId: compensationScope(step, ei),
    elementId: node.id,
    elementInstanceId: ei.id,
    handlerId,
    variables: snapshot(step, ei.id),
    completedAt: step.now,
  };
  subscriptionsOf(step).push(record);
  step.changes.add({ kind: 'insertCompensation', record });
}

/** A scope was cancelled: what completed inside it can no longer be compensated (it did not complete itself). */
export function discardCancelledScope(step: Step, ei: ElementInstance, node: FlowNode): void {
  if (!node.scope || !canCompensate(step.graph)) return;
  const records = subscriptionsOf(step);
  const scopes = new Set([ei.id]);
  for (let i = 0; i < records.length; ) {
    const record = records[i]!;
    if (record.scopeId !== null && scopes.has(record.scopeId)) {
      scopes.add(record.elementInstanceId);
      consume(step, record);
      i = 0; // a nested record may sit before the one that names its scope
    } else i++;
  }
}

/** Removes a subscription: its handler is starting now, or its scope went. */
export function consume(step: Step, record: CompensationRecord): void {
  const records = subscriptionsOf(step);
  const index = records.indexOf(record);
  if (index >= 0) records.splice(index, 1);
  step.changes.add({ kind: 'deleteCompensation', id: record.id });
}

/** The local variables of a scope as stored text (types kept exactly, as in the variables table). */
function snapshot(step: Step, scopeId: string): string {
  return JSON.stringify(step.variables.locals(scopeId).map(([name, value]) => {
    const encoded = encodeValue(name, value);
    return [name, encoded.type, encoded.text];
  }));
}

/** Two snapshots as one: `inner` shadows `outer` (an activity inside a sub-process sees the sub-process's variables too). */
export function mergeSnapshots(outer: string, inner: string): string {
  if (outer === '[]') return inner;
  const merged = new Map<string, unknown>();
  for (const triple of JSON.parse(outer) as Array<[string, string, string | null]>) merged.set(triple[0], triple);
  for (const triple of JSON.parse(inner) as Array<[string, string, string | null]>) merged.set(triple[0], triple);
  return JSON.stringify([...merged.values()]);
}

export function decodeSnapshot(text: string): Variables {
  const variables: Variables = {};
  for (const [name, type, value] of JSON.parse(text) as Array<[string, string, string | null]>) variables[name] = decodeValue(type, value);
  return variables;
}
