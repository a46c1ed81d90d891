/**
 * Arming and delivering the events elements wait for: timers are jobs, messages and signals are
 * subscriptions. Whoever waits is the *holder* element instance (the catch event itself, the
 * activity a boundary event is attached to, the event-based gateway, or the scope of an event
 * sub-process; null = the process level). Delivery finds out from the event node what the
 * trigger means (boundary, event sub-process start, gateway branch, or the element itself).
 */
import { newId } from '../ids.js';
import type { FlowNode, ProcessGraph, TimerKind } from '../../bpmn/graph.js';
import type { JobRecord } from '../../store/records.js';
import type { Step, ElementInstance } from '../step.js';
import type { EventTrigger } from '../behaviours/behaviour.js';
import { behaviourOf } from '../behaviours/index.js';
import { firstSlot, type TimerSlot } from '../timers/index.js';
import { IncidentError } from '../errors.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { triggerEventSubProcess } from '../behaviours/event-sub-processes.js';
import { eventGatewayTriggered } from '../behaviours/event-gateway.js';

/** What a timer job carries: the evaluated definition and the slot it is due for. */
export interface TimerPayload {
  kind: TimerKind;
  text: string;
  slot: TimerSlot;
  timeZone?: string;
}

/** Arms the timer, message or signal `eventNode` waits for, held by `holder`. Errors and escalations need nothing. */
export function armEvent(step: Step, holder: ElementInstance | null, eventNode: FlowNode, interrupting = true): void {
  switch (eventNode.event?.type) {
    case 'timer':
      return armTimer(step, holder, eventNode);
    case 'message':
      return openSubscription(step, holder, eventNode, 'message', eventNode.event.messageName, interrupting);
    case 'signal':
      return openSubscription(step, holder, eventNode, 'signal', eventNode.event.signalName, interrupting);
    default:
      return;
  }
}

/** The timer text with expressions evaluated now (`${interval}`, `=interval`). */
export function timerText(step: Step | null, node: FlowNode, scopeId: string | null): string {
  const expression = node.event!.timer!.expression;
  if (expression.language === 'literal') return expression.source;
  if (!step) return String(expression.source);
  const value = step.evaluate(expression, step.visibleVariables(scopeId), node);
  if (value instanceof Date) return value.toISOString();
  if (value === null || value === undefined || value === '') {
    throw new IncidentError(`Timer of '${node.id}' evaluated to ${value === '' ? 'an empty string' : String(value)}: expected an ISO 8601 date, duration, cycle or cron text`);
  }
  return String(value);
}

/** The first slot of a timer, or an incident-worthy error naming the element and the text. */
export function timerPayload(node: FlowNode, text: string, now: number, timeZone: string | undefined): TimerPayload {
  const kind = node.event!.timer!.kind;
  let slot: TimerSlot;
  try {
    slot = firstSlot(kind, text, now, timeZone);
  } catch (error) {
    throw new IncidentError(`Invalid timer on '${node.id}' ('${text}'): ${(error as Error).message}`);
  }
  return timeZone === undefined ? { kind, text, slot } : { kind, text, slot, timeZone };
}

export function armTimer(step: Step, holder: ElementInstance | null, node: FlowNode): void {
  const text = timerText(step, node, holder?.id ?? null);
  const payload = timerPayload(node, text, step.now, step.services.timeZone);
  step.createJob('timer', holder, node.id, payload.slot.due, payload);
}

function openSubscription(
  step: Step,
  holder: ElementInstance | null,
  node: FlowNode,
  kind: 'message' | 'signal',
  name: string | undefined,
  interrupting: boolean,
): void {
  if (!name) throw new IncidentError(`'${node.id}' waits for a ${kind} without a name`);
  let correlationKey: string | null = null;
  if (node.event?.correlationKey) {
    const value = step.evaluate(node.event.correlationKey, step.visibleVariables(holder?.id ?? null), node);
    if (value === null || value === undefined) {
      throw new IncidentError(`The correlation key of '${node.id}' evaluated to ${String(value)}: it must be a string or a number`);
    }
    correlationKey = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  step.changes.add({ kind: 'insertSubscription', subscription: {
    id: newId(),
    kind,
    name,
    correlationKey,
    instanceId: step.instance.id,
    elementInstanceId: holder?.id ?? null,
    elementId: node.id,
    definitionId: step.instance.definitionId,
    businessKey: step.instance.businessKey,
    tenantId: null,
    interrupting,
    createdAt: step.now,
  } });
}

/** Elements that can hold subscriptions or engine jobs (so releasing others costs nothing). */
export function mayHoldTriggers(node: FlowNode): boolean {
  switch (node.kind) {
    case 'intermediateCatchEvent':
    case 'receiveTask':
    case 'eventBasedGateway':
    case 'callActivity':
      return true;
    default:
      return !!(node.boundaryEvents?.length || node.scope?.eventSubProcesses.length || node.asyncBefore || node.asyncAfter);
  }
}

const anywhere = new WeakMap<ProcessGraph, boolean>();

/** Whether any element of the process can hold subscriptions or engine jobs (most simple processes cannot). */
export function mayHoldTriggersAnywhere(graph: ProcessGraph): boolean {
  let result = anywhere.get(graph);
  if (result === undefined) {
    result = graph.scope.eventSubProcesses.length > 0 || Object.values(graph.nodes).some(mayHoldTriggers);
    anywhere.set(graph, result);
  }
  return result;
}

/** Withdraws the subscriptions and engine jobs (timers, continuations) an element instance holds. */
export function releaseHeld(step: Step, ei: ElementInstance): void {
  step.changes.add({ kind: 'deleteSubscriptionsOfElementInstance', elementInstanceId: ei.id });
  step.cancelJobsOf(ei, true);
}

/** Withdraws what one event element armed on a scope (null = process level): its subscriptions and timers. */
export function releaseScopeEvent(step: Step, scopeId: string | null, eventNodeId: string): void {
  step.changes.add({ kind: 'deleteScopeSubscriptions', instanceId: step.instance.id, scopeElementInstanceId: scopeId, elementId: eventNodeId });
  step.changes.add({ kind: 'deleteScopeTimerJobs', instanceId: step.instance.id, scopeElementInstanceId: scopeId, elementId: eventNodeId });
}

/** A timer fired or a message/signal arrived for `eventNode`, held by `holder`: act on it. */
export function deliver(step: Step, holder: ElementInstance | null, eventNode: FlowNode, trigger: EventTrigger): void {
  const run = () => {
    if (eventNode.kind === 'boundaryEvent') {
      if (holder) triggerBoundary(step, holder, eventNode, trigger);
      return;
    }
    const parent = eventNode.parent === null ? undefined : step.graph.nodes[eventNode.parent];
    if (eventNode.kind === 'startEvent' && parent?.scope?.triggeredByEvent) {
      triggerEventSubProcess(step, holder, parent, eventNode, { variables: trigger.variables });
      return;
    }
    if (!holder || holder.state !== 'active') return;
    const holderNode = step.node(holder);
    if (holderNode.kind === 'eventBasedGateway') return eventGatewayTriggered(step, holder, holderNode, eventNode, trigger);
    behaviourOf(holderNode, holder).onEvent?.(step, holder, holderNode, trigger);
  };
  if (holder) step.runGuarded(holder, run);
  else run();
}

/** A timer, message or signal boundary event fired on the activity `attached`. */
function triggerBoundary(step: Step, attached: ElementInstance, boundary: FlowNode, trigger: EventTrigger): void {
  if (attached.state !== 'active') return;
  if (boundary.cancelActivity !== false) step.terminate(attached);
  if (trigger.variables) step.setVariables(attached.parentId, trigger.variables);
  step.enter(boundary, attached.parentId);
}

/** A repeating timer keeps its job after firing: non-interrupting boundary events and event sub-process starts. */
export function timerRepeats(node: FlowNode): boolean {
  if (node.kind === 'boundaryEvent') return node.cancelActivity === false;
  if (node.kind === 'startEvent') return node.interrupting === false || node.parent === null;
  return false;
}

/** A durable job for another instance (or none), written with this transaction. */
export function insertEngineJob(
  core: Pick<EngineCore, 'changes'>,
  now: number,
  job: Pick<JobRecord, 'kind' | 'instanceId' | 'elementInstanceId' | 'elementId' | 'definitionId' | 'definitionKey'> & { dueAt?: number; payload: unknown },
  effects: Effect[],
  retries = 3,
): JobRecord {
  const record = engineJobRecord(now, job, retries);
  core.changes.add({ kind: 'insertJob', job: record });
  effects.push({ kind: 'wake', at: record.dueAt });
  return record;
}

/** The row of an engine job (timer, continuation) due at `dueAt` (default: now). */
export function engineJobRecord(
  now: number,
  job: Pick<JobRecord, 'kind' | 'instanceId' | 'elementInstanceId' | 'elementId' | 'definitionId' | 'definitionKey'> & { dueAt?: number; payload: unknown },
  retries = 3,
): JobRecord {
  return {
    id: newId(),
    kind: job.kind,
    instanceId: job.instanceId,
    elementInstanceId: job.elementInstanceId,
    elementId: job.elementId,
    definitionId: job.definitionId,
    definitionKey: job.definitionKey,
    topic: null,
    dueAt: job.dueAt ?? now,
    lockOwner: null,
    lockExpiresAt: null,
    retries,
    attempts: 0,
    priority: 0,
    errorMessage: null,
    errorDetails: null,
    payload: job.payload === null ? null : JSON.stringify(job.payload),
    createdAt: now,
  };
}

/**
 * The job as read now, if it is still the one the scheduler acquired: not withdrawn, not
 * rescheduled, not re-acquired after its lock expired (a fire command queued behind a long batch
 * must not fire a slot a second time).
 */
export function stillAcquired(core: Pick<EngineCore, 'runtime'>, acquired: JobRecord, kind: JobRecord['kind']): JobRecord | undefined {
  const job = core.runtime.getJob(acquired.id);
  if (!job || job.kind !== kind) return undefined;
  if (job.dueAt !== acquired.dueAt || job.lockOwner !== acquired.lockOwner || job.lockExpiresAt !== acquired.lockExpiresAt) return undefined;
  return job;
}

/** Deletes a job (and incidents on it) outside any step. */
export function dropJob(core: Pick<EngineCore, 'changes'>, jobId: string): void {
  core.changes.add({ kind: 'deleteJob', id: jobId });
}
