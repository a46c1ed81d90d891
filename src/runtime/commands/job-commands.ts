import type { JobRecord } from '../../store/records.js';
import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { ConflictError, NotFoundError, BadRequestError } from '../errors.js';
import { throwBpmnError } from '../error-propagation.js';
import type { Variables } from '../variables.js';
import { ensureJobActive } from './suspension.js';
import { parseDuration, addDuration } from '../../timers/iso8601-duration.js';

/** Who claims to finish a job: a remote worker by id, or this engine's handler for a given attempt. */
export interface JobOwner {
  workerId?: string;
  /** in-process handlers: the attempt they were given, so a late result of a timed-out attempt is refused */
  attempt?: number;
}

export function getJob(core: EngineCore, jobId: string): JobRecord {
  const job = core.runtime.getJob(jobId);
  if (!job) throw new NotFoundError(`No job or external task with id '${jobId}': it may have been completed, cancelled or never existed`);
  return job;
}

/** A worker may finish a job only while it holds the lock; a late one gets a clear refusal. */
function checkOwner(core: EngineCore, job: JobRecord, owner: JobOwner): void {
  const now = core.clock.now();
  if (owner.attempt !== undefined) {
    if (job.lockOwner !== core.services.engineId || job.attempts + 1 !== owner.attempt) {
      throw new ConflictError(`Job '${job.id}' attempt ${owner.attempt} is no longer current`);
    }
    return;
  }
  if (owner.workerId === undefined) return;
  if (job.lockOwner !== owner.workerId) {
    throw new ConflictError(`External task '${job.id}' cannot be completed by worker '${owner.workerId}': ${job.lockOwner ? `it is locked by worker '${job.lockOwner}'` : 'it is not locked (the lock expired)'}`);
  }
  if (job.lockExpiresAt !== null && job.lockExpiresAt < now) {
    throw new ConflictError(`External task '${job.id}' cannot be completed by worker '${owner.workerId}': its lock expired at ${new Date(job.lockExpiresAt).toISOString()}`);
  }
}

/** The handler or worker finished the work: the element continues. */
export function completeJob(core: EngineCore, jobId: string, variables: Variables, owner: JobOwner, effects: Effect[], result?: unknown): void {
  const job = getJob(core, jobId);
  if (job.kind !== 'task') throw new BadRequestError(`Job '${jobId}' is a ${job.kind} job, not a work item`);
  checkOwner(core, job, owner);
  ensureJobActive(job);
  inInstance(core, job.instanceId!, effects, (step) => {
    const ei = step.elementInstance(job.elementInstanceId!);
    if (!ei) throw new NotFoundError(`The element instance of job '${jobId}' no longer exists`);
    const node = step.node(ei);
    // a job result only an ad-hoc sub-process reads: refused elsewhere rather than dropped
    if (result !== undefined && !node.adHoc) throw new BadRequestError(`A job result is only accepted for an ad-hoc sub-process's job; '${node.id}' is a ${node.type}`);
    step.cancelJob(job.id, job);
    step.runGuarded(ei, () => {
      const behaviour = step.processor(ei);
      if (!behaviour.onJobCompleted) throw new BadRequestError(`Element '${node.id}' does not wait for a job`);
      behaviour.onJobCompleted(step, ei, node, variables, result);
    });
  });
}

/** The handler raised a BPMN error: the nearest catching boundary or event sub-process takes over. */
export function throwJobError(core: EngineCore, jobId: string, code: string, message: string, variables: Variables | undefined, owner: JobOwner, effects: Effect[]): void {
  const job = getJob(core, jobId);
  checkOwner(core, job, owner);
  ensureJobActive(job);
  inInstance(core, job.instanceId!, effects, (step) => {
    const ei = step.elementInstance(job.elementInstanceId!);
    if (!ei) throw new NotFoundError(`The element instance of job '${jobId}' no longer exists`);
    step.cancelJob(job.id, job);
    throwBpmnError(step, ei, code, message, variables);
  });
}

export interface FailureOptions {
  message: string;
  details?: string | null;
  /** remote workers say how many retries are left (Camunda semantics); in-process failures count down */
  retries?: number;
  /** ms until the next attempt; default: the element's retry cycle or the engine's backoff */
  retryTimeout?: number;
}

/**
 * An attempt failed: try again later while retries remain, else raise an incident that a person
 * resolves by setting retries.
 */
export function failJob(core: EngineCore, jobId: string, failure: FailureOptions, owner: JobOwner, effects: Effect[]): void {
  const job = getJob(core, jobId);
  checkOwner(core, job, owner);
  ensureJobActive(job);
  const now = core.clock.now();
  const retries = Math.max(0, failure.retries ?? job.retries - 1);
  const attempt = job.attempts + 1;
  const dueAt = now + (failure.retryTimeout ?? retryDelay(core, job, attempt, now));
  core.changes.add({ kind: 'failJob', id: job.id, retries, dueAt, message: truncate(failure.message, 4000), details: failure.details ? truncate(failure.details, 100_000) : null });
  if (retries > 0) {
    effects.push({ kind: 'wake', at: dueAt });
    // remote workers hear about it when it is due, not before (long polls would wake for nothing)
    if (job.topic && dueAt <= now) effects.push({ kind: 'jobAvailable', topic: job.topic });
    return;
  }
  // an instance-less job (timer start, signal broadcast) keeps its error message; nothing to raise the incident on
  if (job.instanceId === null) return;
  inInstance(core, job.instanceId, effects, (step) => {
    const ei = step.elementInstance(job.elementInstanceId!);
    if (!ei) return;
    step.raiseIncident(ei, job.kind === 'task' ? 'failedJob' : 'failedTimer', failure.message || 'The job failed', job.id);
  });
}

function retryDelay(core: EngineCore, job: JobRecord, attempt: number, now: number): number {
  const cycle = job.definitionId && job.elementId ? core.services.graphOf(job.definitionId).nodes[job.elementId]?.job?.retryDelay : undefined;
  if (cycle) return addDuration(now, parseDuration(cycle)) - now;
  return core.retryBackoff(attempt);
}

/** Sets retries (resolving the job's incident when retries > 0): the job runs again now. */
export function setJobRetries(core: EngineCore, jobId: string, retries: number, effects: Effect[]): void {
  if (!Number.isInteger(retries) || retries < 0) throw new BadRequestError('retries must be a non-negative integer');
  const job = getJob(core, jobId);
  const now = core.clock.now();
  core.changes.add({ kind: 'setJobRetries', id: job.id, retries, dueAt: now });
  if (retries === 0) return;
  for (const incident of core.runtime.incidentsOfJob(job.id)) {
    core.changes.add({ kind: 'deleteIncident', id: incident.id });
    core.changes.history({ instanceId: incident.instanceId, kind: 'incidentResolved', elementInstanceId: incident.elementInstanceId, elementId: incident.elementId, at: now, data: JSON.stringify({ id: incident.id }) });
  }
  effects.push({ kind: 'wake', at: now });
  if (job.topic) effects.push({ kind: 'jobAvailable', topic: job.topic });
}

/** Remote workers: extend or give back a lock they hold. */
export function extendLock(core: EngineCore, jobId: string, workerId: string, duration: number): void {
  const job = getJob(core, jobId);
  checkOwner(core, job, { workerId });
  core.changes.add({ kind: 'lockJob', id: job.id, owner: workerId, expiresAt: core.clock.now() + duration });
}

/**
 * Several engine nodes: an in-process handler job this node queued is about to start. True (and the
 * lock extended by `duration`) when this node still holds it; false when its lock was released or
 * another node took it over after it lapsed.
 */
export function relockEngineJob(core: EngineCore, jobId: string, owner: string, duration: number): boolean {
  if (!core.jobs.isLockedBy(jobId, owner)) return false;
  core.changes.add({ kind: 'lockJob', id: jobId, owner, expiresAt: core.clock.now() + duration });
  return true;
}

export function unlockJob(core: EngineCore, jobId: string, effects: Effect[]): void {
  const job = getJob(core, jobId);
  if (job.kind !== 'task') throw new BadRequestError(`Job '${jobId}' is a ${job.kind} job, not an external task`);
  if (job.lockOwner?.startsWith('engine:')) throw new BadRequestError(`External task '${jobId}' is being run by the engine's own handler and cannot be unlocked`);
  core.changes.add({ kind: 'lockJob', id: job.id, owner: null, expiresAt: null });
  if (job.topic) effects.push({ kind: 'jobAvailable', topic: job.topic });
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
