import type { InstanceRecord, JobRecord } from '../store/records.js';
import { newId } from './ids.js';

/** What every new job row shares: not locked, not failed, not attempted. */
type JobIdentity = Pick<JobRecord, 'kind' | 'instanceId' | 'elementInstanceId' | 'elementId' | 'definitionId' | 'definitionKey'>;

/** The one place a job row is built: timers, continuations and handler work items alike. */
export function jobRecord(identity: JobIdentity, now: number, settings: Partial<Pick<JobRecord, 'topic' | 'dueAt' | 'lockOwner' | 'lockExpiresAt' | 'retries' | 'priority' | 'payload'>> = {}): JobRecord {
  return {
    id: newId(),
    // spelled out, not spread: cheaper, and every job row has one shape
    kind: identity.kind,
    instanceId: identity.instanceId,
    elementInstanceId: identity.elementInstanceId,
    elementId: identity.elementId,
    definitionId: identity.definitionId,
    definitionKey: identity.definitionKey,
    topic: settings.topic ?? null,
    dueAt: settings.dueAt ?? now,
    lockOwner: settings.lockOwner ?? null,
    lockExpiresAt: settings.lockExpiresAt ?? null,
    retries: settings.retries ?? 3,
    attempts: 0,
    priority: settings.priority ?? 0,
    errorMessage: null,
    errorDetails: null,
    payload: settings.payload ?? null,
    createdAt: now,
  };
}

/** The identity of a job held by an element instance of `instance` (or by the instance itself). */
export function jobOf(kind: JobRecord['kind'], instance: InstanceRecord, elementInstanceId: string | null, elementId: string | null): JobIdentity {
  return {
    kind,
    instanceId: instance.id,
    elementInstanceId,
    elementId,
    definitionId: instance.definitionId,
    definitionKey: instance.definitionKey,
  };
}
