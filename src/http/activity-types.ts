import type { FlowNode } from '../bpmn/graph.js';

const EVENT_TYPES: Partial<Record<FlowNode['kind'], Partial<Record<string, string>>>> = {
  startEvent: { none: 'startEvent', message: 'messageStartEvent', timer: 'startTimerEvent', signal: 'signalStartEvent', error: 'errorStartEvent', escalation: 'escalationStartEvent', compensation: 'compensationStartEvent' },
  endEvent: { none: 'noneEndEvent', error: 'errorEndEvent', terminate: 'terminateEndEvent', message: 'messageEndEvent', signal: 'signalEndEvent', escalation: 'escalationEndEvent', compensation: 'compensationEndEvent', cancel: 'cancelEndEvent' },
  intermediateCatchEvent: { timer: 'intermediateTimer', message: 'intermediateMessageCatch', signal: 'intermediateSignalCatch', link: 'intermediateLinkCatch' },
  intermediateThrowEvent: { none: 'intermediateNoneThrowEvent', message: 'intermediateMessageThrowEvent', signal: 'intermediateSignalThrow', escalation: 'intermediateEscalationThrowEvent', link: 'intermediateLinkThrowEvent', compensation: 'intermediateCompensationThrowEvent' },
  boundaryEvent: { timer: 'boundaryTimer', message: 'boundaryMessage', signal: 'boundarySignal', error: 'boundaryError', escalation: 'boundaryEscalation', compensation: 'compensationBoundaryCatch', cancel: 'cancelBoundaryCatch' },
};

/** Camunda 7's suffix for a multi-instance body's activity id (`task#multiInstanceBody`). */
export const MULTI_INSTANCE_BODY_SUFFIX = '#multiInstanceBody';

/** Camunda 7's activityId: a multi-instance body is an activity of its own, `<id>#multiInstanceBody`. */
export function camundaActivityId(node: FlowNode | undefined, elementId: string): string {
  return node?.kind === 'multiInstanceBody' ? `${elementId}${MULTI_INSTANCE_BODY_SUFFIX}` : elementId;
}

/** Camunda 7's activityName: the body has none (only the activity it wraps is named). */
export function camundaActivityName(node: FlowNode | undefined): string | null {
  return node?.kind === 'multiInstanceBody' ? null : node?.name ?? null;
}

/** Camunda 7's activityType names (as Cockpit and the history API use them). */
export function camundaActivityType(node: FlowNode | undefined, fallback: string | null = null): string {
  if (!node) return fallback ?? 'unknown';
  const events = EVENT_TYPES[node.kind];
  if (events) return events[node.event?.type ?? 'none'] ?? node.kind;
  if (node.kind === 'subProcess' && node.scope?.transaction) return 'transaction';
  return node.kind;
}
