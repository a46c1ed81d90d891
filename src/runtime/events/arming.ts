/**
 * Arming and delivering the events elements wait for: timers are jobs, messages and signals are
 * subscriptions. Whoever waits is the *holder* element instance (the catch event itself, the
 * activity a boundary event is attached to, the event-based gateway, or the scope of an event
 * sub-process; null = the process level). Delivery finds out from the event node what the
 * trigger means (boundary, event sub-process start, gateway branch, or the element itself).
 */
import { newId } from '../ids.js';
import type { EventType, FlowNode, ProcessGraph, TimerKind } from '../../bpmn/graph.js';
import type { SubscriptionRecord } from '../../store/records.js';
import { offerBufferedMessage } from './buffered-message-offer.js';
import type { Step, ElementInstance } from '../step.js';
import { firstSlot, type TimerSlot } from '../timers/index.js';
import { IncidentError } from '../errors.js';
import { timerCycleTooFast } from '../budgets.js';
import { shortestCycleGap } from '../../timers/cycle-interval.js';
import { expressionFromText } from '../../expressions/index.js';

/** What a timer job carries: the evaluated definition and the slot it is due for. */
export interface TimerPayload {
  kind: TimerKind;
  text: string;
  slot: TimerSlot;
  timeZone?: string;
}

/** Arms the timer, message or signal `eventNode` waits for, held by `holder`. Errors and escalations need nothing. */
export function armEvent(step: Step, holder: ElementInstance | null, eventNode: FlowNode, interrupting = true): void {
  const type: EventType = eventNode.event?.type ?? 'none';
  switch (type) {
    case 'timer':
      return armTimer(step, holder, eventNode);
    case 'message':
      return openSubscription(step, holder, eventNode, 'message', eventNode.event?.messageName, interrupting);
    case 'signal':
      return openSubscription(step, holder, eventNode, 'signal', eventNode.event?.signalName, interrupting);
    case 'conditional':
      // armed while its holder is active; evaluated now (scope instantiation) and on variable changes
      return step.services.processors.conditionalEvent.arm(step, holder, eventNode);
    case 'none':
    case 'error': // found by propagation when thrown, nothing to arm
    case 'escalation':
    case 'terminate':
    case 'link':
    case 'compensation': // a compensation boundary event only marks its activity's handler
    case 'cancel': // a cancel boundary event is entered by the cancel end event of its transaction
      return;
    default: {
      const unknown: never = type;
      throw new Error(`Unknown event type ${JSON.stringify(unknown)}`);
    }
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

/** The first slot of a timer, or an incident-worthy error naming the element and the text (also for a cycle faster than `minCycleInterval` ms). */
export function timerPayload(node: FlowNode, text: string, now: number, timeZone: string | undefined, minCycleInterval = 0): TimerPayload {
  const kind = node.event!.timer!.kind;
  let slot: TimerSlot;
  let tooFast: string | null = null;
  try {
    slot = firstSlot(kind, text, now, timeZone);
    if (kind === 'cycle' && minCycleInterval > 0) tooFast = timerCycleTooFast(shortestCycleGap(text, now, timeZone), minCycleInterval);
  } catch (error) {
    throw new IncidentError(`Invalid timer on '${node.id}' ('${text}'): ${(error as Error).message}`);
  }
  if (tooFast !== null) throw new IncidentError(`Timer cycle on '${node.id}' ('${text}') is refused: ${tooFast}`);
  return timeZone === undefined ? { kind, text, slot } : { kind, text, slot, timeZone };
}

export function armTimer(step: Step, holder: ElementInstance | null, node: FlowNode): void {
  const text = timerText(step, node, holder?.id ?? null);
  const payload = timerPayload(node, text, step.now, step.services.timeZone, step.budgets.minTimerCycleInterval);
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
  // `<message name="newInvoice-${id}">`: evaluated when the subscription opens (Camunda 7)
  const named = expressionFromText(name);
  if (named.language !== 'literal') name = String(step.evaluate(named, step.visibleVariables(holder?.id ?? null), node) ?? '');
  let correlationKey: string | null = null;
  if (node.event?.correlationKey) {
    const value = step.evaluate(node.event.correlationKey, step.visibleVariables(holder?.id ?? null), node);
    if (value === null || value === undefined) {
      throw new IncidentError(`The correlation key of '${node.id}' evaluated to ${String(value)}: it must be a string or a number`);
    }
    correlationKey = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const subscription: Omit<SubscriptionRecord, 'seq'> = {
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
  };
  step.changes.add({ kind: 'insertSubscription', subscription });
  // Camunda 8: a buffered message waiting for this subscription is delivered in the next transaction
  offerBufferedMessage(step, holder, subscription);
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

/** An activity was entered: arm its timer, message and signal boundary events (a multi-instance body holds them, not its inner instances). */
export function armBoundaryEvents(step: Step, ei: ElementInstance, node: FlowNode): void {
  for (const id of node.boundaryEvents ?? []) {
    const boundary = step.graph.nodes[id];
    if (boundary) armEvent(step, ei, boundary, boundary.cancelActivity !== false);
  }
}

/** An element instance ends (null: the whole instance): withdraw the subscriptions and timers it holds. */
export function releaseEventTriggers(step: Step, ei: ElementInstance | null): void {
  if (ei === null) {
    if (mayHoldTriggersAnywhere(step.graph)) step.changes.add({ kind: 'deleteSubscriptionsOfInstance', instanceId: step.instance.id });
    return;
  }
  if (mayHoldTriggers(step.node(ei))) releaseHeld(step, ei);
}
