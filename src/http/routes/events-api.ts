import type { Engine } from '../../runtime/engine.js';
import { HttpError } from '../errors.js';

/** What the events engineer adds to Engine; looked up at call time so the REST layer works before and after. */
export interface CorrelateRequest {
  messageName: string;
  businessKey?: string;
  correlationKeys?: Record<string, unknown>;
  localCorrelationKeys?: Record<string, unknown>;
  processInstanceId?: string;
  variables?: Record<string, unknown>;
  all?: boolean;
  tenantId?: string;
}

export interface CorrelationResult {
  resultType: 'Execution' | 'ProcessDefinition';
  processInstanceId: string;
  definitionId?: string;
}

interface EventsApi {
  /** `rollbackOnFailure`: Camunda 7's semantics for what the message sets off (see runtime/synchronous-failure.ts) */
  correlateMessage(request: CorrelateRequest, options?: { rollbackOnFailure?: boolean }): Promise<CorrelationResult[]>;
  broadcastSignal(request: { name: string; variables?: Record<string, unknown>; tenantId?: string }): Promise<void>;
}

export function eventsApi<K extends keyof EventsApi>(engine: Engine, method: K): EventsApi[K] {
  const fn = (engine as unknown as Partial<EventsApi>)[method];
  if (typeof fn !== 'function') throw new HttpError(501, `This engine does not support ${method} yet`, 'RestException');
  return fn.bind(engine) as EventsApi[K];
}
