/** Engine jobs (timers, continuations) written outside an element's own step, and the checks before firing one. */
import type { JobRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { jobRecord } from '../job-records.js';

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
  const { dueAt, payload, ...identity } = job;
  return jobRecord(identity, now, { dueAt, retries, payload: payload === null ? null : JSON.stringify(payload) });
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
  core.changes.add({ kind: 'deleteJob', id: jobId, withIncidents: true });
}
