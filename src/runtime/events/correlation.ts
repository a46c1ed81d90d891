/**
 * Message correlation, Camunda 7 style with Camunda 8 correlation keys:
 * - a waiting subscription matches when the message name is equal and
 *   - `processInstanceId`, if given, is its instance;
 *   - `businessKey`, if given, is its instance's business key;
 *   - every `correlationKeys` entry equals the process variable of that name;
 *   - except for Camunda 8 subscriptions (`zeebe:subscription correlationKey`, evaluated when the
 *     subscription opened): they match only when `correlationKeys.correlationKey` equals that key
 *     (compared as text), or — when no `correlationKey` is given — when `businessKey` equals it.
 *     Other correlation keys still compare process variables.
 * - a message start event matches when no `processInstanceId` and no correlation variables other
 *   than `correlationKey` are given (a new instance has no variables yet to compare).
 * Waiting executions win over start events (as in Camunda). More than one match without `all`
 * is an error; with `all` every waiting match and every matching start event receive it.
 */
import type { SubscriptionReads } from '../../store/engine-store.js';
import type { SubscriptionRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { decodeValue, type Variables } from '../variables.js';
import { BadRequestError, MismatchingMessageCorrelationError } from '../errors.js';
import { startInstance } from '../commands/instance-commands.js';
import { deliverToSubscription } from './signals.js';

export interface CorrelateMessageRequest {
  messageName: string;
  businessKey?: string | null;
  /** process variables that must be equal (`correlationKey` also matches Camunda 8 correlation keys) */
  correlationKeys?: Record<string, unknown>;
  /** variables that must be equal in the waiting execution's own scope (Camunda 7 `localCorrelationKeys`) */
  localCorrelationKeys?: Record<string, unknown>;
  processInstanceId?: string | null;
  /** set on the instance that receives the message, or passed to the instance it starts */
  variables?: Variables;
  /** correlate with every match instead of requiring exactly one */
  all?: boolean;
  tenantId?: string | null;
}

export interface CorrelationResult {
  resultType: 'Execution' | 'ProcessDefinition';
  processInstanceId: string;
  definitionId?: string;
}

export function correlateMessage(core: EngineCore, request: CorrelateMessageRequest, effects: Effect[]): CorrelationResult[] {
  if (typeof request.messageName !== 'string' || request.messageName === '') throw new BadRequestError('messageName is required');
  const store = core.runtime.subscriptions;
  const waiting = store.waiting('message', request.messageName).filter((s) => matchesWaiting(core, store, s, request));
  const keys = Object.keys(request.correlationKeys ?? {}).filter((k) => k !== 'correlationKey');
  const localKeys = Object.keys(request.localCorrelationKeys ?? {});
  const starts = request.processInstanceId || keys.length > 0 || localKeys.length > 0
    ? []
    : store.starts('message', request.messageName).filter((s) => request.tenantId === undefined || s.tenantId === (request.tenantId ?? null));

  // one match per waiting element instance (a boundary and its activity share one)
  const candidates = waiting;
  const describe = describeRequest(request);
  if (!request.all) {
    if (candidates.length > 1) {
      throw new MismatchingMessageCorrelationError(`Cannot correlate message '${request.messageName}'${describe}: it correlates to ${candidates.length} executions, use all to correlate with each`);
    }
    if (candidates.length === 0 && starts.length > 1) {
      throw new MismatchingMessageCorrelationError(`Cannot correlate message '${request.messageName}'${describe}: it starts ${starts.length} process definitions, use all to start each`);
    }
  }
  const results: CorrelationResult[] = [];
  const trigger = { kind: 'message' as const, ...(request.variables ? { variables: request.variables } : {}) };
  for (const subscription of candidates) {
    if (deliverToSubscription(core, subscription, trigger, effects)) {
      results.push({ resultType: 'Execution', processInstanceId: subscription.instanceId! });
    }
  }
  if (candidates.length === 0 || request.all) {
    for (const subscription of starts) {
      const definition = core.repository.getDefinition(subscription.definitionId!);
      if (!definition) continue;
      const instance = startInstance(core, definition, {
        startEventId: subscription.elementId,
        businessKey: request.businessKey ?? null,
        variables: request.variables,
      }, effects);
      results.push({ resultType: 'ProcessDefinition', processInstanceId: instance.id, definitionId: definition.id });
    }
  }
  if (results.length === 0) {
    throw new MismatchingMessageCorrelationError(`Cannot correlate message '${request.messageName}'${describe}: no process definition or execution matches the parameters`);
  }
  return results;
}

function matchesWaiting(core: EngineCore, store: SubscriptionReads, s: SubscriptionRecord, request: CorrelateMessageRequest): boolean {
  if (request.processInstanceId && s.instanceId !== request.processInstanceId) return false;
  if (request.tenantId !== undefined && request.tenantId !== null) {
    const definition = s.definitionId ? core.repository.getDefinition(s.definitionId) : undefined;
    if ((definition?.tenantId ?? null) !== request.tenantId) return false;
  }
  const keys = { ...(request.correlationKeys ?? {}) };
  let businessKeyUsed = false;
  if (s.correlationKey !== null) {
    const given = keys.correlationKey !== undefined ? keyText(keys.correlationKey) : request.businessKey ?? undefined;
    if (keys.correlationKey === undefined) businessKeyUsed = true;
    if (given === undefined || given !== s.correlationKey) return false;
    delete keys.correlationKey;
  }
  if (!businessKeyUsed && request.businessKey !== undefined && request.businessKey !== null && s.businessKey !== request.businessKey) return false;
  for (const [name, expected] of Object.entries(keys)) {
    const row = store.variable(s.instanceId!, name);
    if (!row || !sameValue(decodeValue(row.type, row.value), expected)) return false;
  }
  // the execution holding the subscription (the instance's root scope when none)
  for (const [name, expected] of Object.entries(request.localCorrelationKeys ?? {})) {
    const row = store.variable(s.elementInstanceId ?? s.instanceId!, name);
    if (!row || !sameValue(decodeValue(row.type, row.value), expected)) return false;
  }
  return true;
}

function keyText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual instanceof Date) actual = actual.toISOString();
  if (expected instanceof Date) expected = expected.toISOString();
  if (typeof actual !== 'object' || actual === null) return actual === expected;
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function describeRequest(request: CorrelateMessageRequest): string {
  const parts: string[] = [];
  if (request.businessKey) parts.push(`businessKey '${request.businessKey}'`);
  if (request.processInstanceId) parts.push(`processInstanceId '${request.processInstanceId}'`);
  if (request.correlationKeys && Object.keys(request.correlationKeys).length > 0) parts.push(`correlationKeys ${JSON.stringify(request.correlationKeys)}`);
  if (request.localCorrelationKeys && Object.keys(request.localCorrelationKeys).length > 0) parts.push(`localCorrelationKeys ${JSON.stringify(request.localCorrelationKeys)}`);
  return parts.length ? ` with ${parts.join(', ')}` : '';
}
