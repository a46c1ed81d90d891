/** Event definitions (message, timer, error, signal, escalation, terminate, link, conditional) → `EventDefinition`. */
import { checkTimer } from '../timers/timer-spec.js';
import type { CompileContext } from './context.js';
import type { EventDefinition, EventType, NodeKind, SignalPayload, TimerKind } from './graph.js';
import { extension, extensionValues, text, type ModdleElement } from './moddle-types.js';
import { inOutMapping } from './compile-call-activity.js';
import { conditionalEvent } from './compile-conditional.js';
import { compensationEvent } from './compile-compensate-event.js';

const DEFINITION_TYPES: Record<string, EventType> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:LinkEventDefinition': 'link',
  'bpmn:CompensateEventDefinition': 'compensation',
  'bpmn:CancelEventDefinition': 'cancel',
  'bpmn:ConditionalEventDefinition': 'conditional',
};

const UNSUPPORTED_DEFINITIONS: Record<string, string> = {
};

/** Which event types each event kind may carry (BPMN 2.0 §10.5, the subset executed here). */
const ALLOWED: Partial<Record<NodeKind, readonly EventType[]>> = {
  startEvent: ['none', 'message', 'timer', 'signal', 'error', 'escalation', 'compensation', 'conditional'],
  endEvent: ['none', 'message', 'error', 'signal', 'terminate', 'escalation', 'compensation', 'cancel'],
  intermediateCatchEvent: ['message', 'timer', 'signal', 'link', 'conditional'],
  intermediateThrowEvent: ['none', 'message', 'signal', 'escalation', 'link', 'compensation'],
  boundaryEvent: ['message', 'timer', 'error', 'signal', 'escalation', 'compensation', 'cancel', 'conditional'],
};

const THROWING: ReadonlySet<NodeKind> = new Set(['endEvent', 'intermediateThrowEvent']);

/** The event of an event element; undefined when an unsupported definition was reported. */
export function compileEvent(element: ModdleElement, kind: NodeKind, ctx: CompileContext): EventDefinition | undefined {
  const definitions = (element.eventDefinitions as ModdleElement[] | undefined) ?? [];
  if (definitions.length === 0) {
    if (kind === 'intermediateCatchEvent' || kind === 'boundaryEvent') {
      ctx.error(`${element.$type} has no event definition: say what it waits for (message, timer, signal, ...)`, element);
      return undefined;
    }
    return { type: 'none' };
  }
  if (definitions.length > 1) {
    ctx.error(`Unsupported element ${element.$type} with several event definitions: multiple and parallel-multiple events are not supported`, element);
    return undefined;
  }
  const definition = definitions[0]!;
  const unsupported = UNSUPPORTED_DEFINITIONS[definition.$type];
  const type = DEFINITION_TYPES[definition.$type];
  if (unsupported !== undefined || type === undefined) {
    ctx.error(`Unsupported element ${definition.$type}: ${unsupported ?? 'this event definition is not supported'}`, element);
    return undefined;
  }
  if (!(ALLOWED[kind] ?? []).includes(type)) {
    ctx.error(`A ${type} event definition is not allowed on ${element.$type}`, element);
    return undefined;
  }
  const throwing = THROWING.has(kind);
  switch (type) {
    case 'message':
      return messageEvent(element, definition.messageRef as ModdleElement | undefined, ctx, !throwing);
    case 'timer':
      return timerEvent(element, definition, ctx);
    case 'error':
      return errorEvent(element, definition, ctx, throwing);
    case 'signal': {
      const signalName = text((definition.signalRef as ModdleElement | undefined)?.name);
      if (signalName === undefined) {
        ctx.error('Signal event has no signal name: reference a bpmn:signal with a name', element);
        return { type };
      }
      const payload = throwing ? signalPayload(element, definition, ctx) : undefined;
      return payload ? { type, signalName, signalPayload: payload } : { type, signalName };
    }
    case 'escalation': {
      const escalationCode = text((definition.escalationRef as ModdleElement | undefined)?.escalationCode);
      if (escalationCode === undefined && throwing) {
        ctx.error('Escalation throw event has no escalation code: reference a bpmn:escalation with an escalationCode', element);
      }
      const event: EventDefinition = escalationCode === undefined ? { type } : { type, escalationCode };
      const codeVariable = throwing ? undefined : text(definition.escalationCodeVariable);
      if (codeVariable !== undefined) event.escalationCodeVariable = codeVariable;
      return event;
    }
    case 'conditional':
      return conditionalEvent(element, definition, ctx);
    case 'link': {
      const linkName = text(definition.name);
      if (linkName === undefined) {
        ctx.error('Link event has no name: give the link event definition a name', element);
        return { type };
      }
      return { type, linkName };
    }
    case 'compensation':
      return compensationEvent(definition, throwing);
    default:
      return { type };
  }
}

/** `camunda:in` on a throwing signal event definition: the variables the signal carries. */
function signalPayload(element: ModdleElement, definition: ModdleElement, ctx: CompileContext): SignalPayload | undefined {
  const payload: SignalPayload = { inputs: [], all: false };
  for (const value of extensionValues(definition)) {
    if (value.$type !== 'camunda:In') continue;
    if (value.local === true) ctx.warn('camunda:in local="true" on a signal is not supported: the variables visible to the event are passed', element);
    if (text(value.variables) === 'all') payload.all = true;
    else {
      const mapping = inOutMapping(value, 'camunda:in', element, ctx);
      if (mapping) payload.inputs.push(mapping);
    }
  }
  return payload.all || payload.inputs.length > 0 ? payload : undefined;
}

/** A message reference as used by message events and receive tasks. */
export function messageEvent(
  element: ModdleElement,
  message: ModdleElement | undefined,
  ctx: CompileContext,
  nameRequired: boolean,
): EventDefinition {
  const event: EventDefinition = { type: 'message' };
  const messageName = text(message?.name);
  if (messageName !== undefined) event.messageName = messageName;
  else if (nameRequired) ctx.error('Message event has no message name: reference a bpmn:message with a name', element);
  const correlationKey = text(extension(message, 'zeebe:Subscription')?.correlationKey);
  if (correlationKey !== undefined) {
    event.correlationKey = ctx.expression(correlationKey, element, 'correlation key');
  }
  return event;
}

const TIMER_KINDS: Array<[string, TimerKind]> = [
  ['timeDate', 'date'],
  ['timeDuration', 'duration'],
  ['timeCycle', 'cycle'],
];

function timerEvent(element: ModdleElement, definition: ModdleElement, ctx: CompileContext): EventDefinition | undefined {
  for (const [property, kind] of TIMER_KINDS) {
    const formal = definition[property] as ModdleElement | undefined;
    if (!formal) continue;
    const body = text(formal.body);
    if (body === undefined) {
      ctx.error(`Timer ${property} is empty`, element);
      return undefined;
    }
    const expression = ctx.expression(body, element, `timer ${property}`);
    if (expression.language === 'literal') {
      const problem = checkTimer(kind, body);
      if (problem !== null) ctx.error(`Invalid timer ${property} '${body}': ${problem}`, element);
    }
    return { type: 'timer', timer: { kind, expression } };
  }
  ctx.error('Timer event has no timer definition: set timeDate, timeDuration or timeCycle', element);
  return undefined;
}

function errorEvent(element: ModdleElement, definition: ModdleElement, ctx: CompileContext, throwing: boolean): EventDefinition {
  const event: EventDefinition = { type: 'error' };
  const error = definition.errorRef as ModdleElement | undefined;
  // an errorRef naming no <error> is the error code itself (Camunda 7); an error end event
  // without any code throws an error that only catch-all boundaries and start events catch
  const errorCode = text(error?.errorCode) ?? ctx.textReference(definition, 'bpmn:errorRef');
  if (errorCode !== undefined) event.errorCode = errorCode;
  if (throwing) {
    // the message is camunda:errorMessage only: an error's name is not its message
    const message = text(error?.get('camunda:errorMessage'));
    if (message !== undefined) {
      event.errorMessage = message;
      // `${...}` is evaluated when the error is thrown: check it now
      ctx.expression(message, element, 'camunda:errorMessage');
    }
  } else {
    const codeVariable = text(definition.errorCodeVariable);
    const messageVariable = text(definition.errorMessageVariable);
    if (codeVariable !== undefined) event.errorCodeVariable = codeVariable;
    if (messageVariable !== undefined) event.errorMessageVariable = messageVariable;
  }
  return event;
}
