/**
 * Camunda 7's suspension: a suspended process instance keeps its state but nothing moves it —
 * its tasks cannot be completed or claimed, its jobs and timers do not run, external tasks are
 * not fetched, messages and signals pass it by. A suspended definition starts no instance.
 * Activating resumes everything; timers that came due meanwhile fire then.
 */
import type { DefinitionRecord, JobRecord, TaskRecord } from '../../store/records.js';
import type { Effect } from '../effects.js';
import { loadInstance, type EngineCore } from '../engine-core.js';
import { NotFoundError, SuspendedEntityError } from '../errors.js';

/**
 * Whether `job` must wait because its instance is suspended (suspended after the scheduler picked
 * it, or written for a suspended receiver: a called instance that ended under a suspended caller).
 * If so it is marked suspended with the rest of the instance's jobs, and runs on activation.
 */
export function waitsWhileSuspended(core: EngineCore, job: JobRecord): boolean {
  if (job.instanceId === null || !core.runtime.getInstance(job.instanceId)?.suspended) return false;
  core.changes.add({ kind: 'setInstanceSuspension', instanceId: job.instanceId, suspended: true, releaseLocksOf: null });
  return true;
}

/** Suspends or activates one running instance; doing it twice changes nothing the second time. */
export function setInstanceSuspension(core: EngineCore, instanceId: string, suspended: boolean, actor: string | null, effects: Effect[]): void {
  const instance = loadInstance(core, instanceId);
  if (instance.state !== 'active') throw new NotFoundError(`Process instance with id ${instanceId} does not exist`);
  if (Boolean(instance.suspended) === suspended) return;
  const now = core.clock.now();
  core.changes.add({ kind: 'setInstanceSuspension', instanceId, suspended, releaseLocksOf: suspended ? null : core.services.engineId });
  core.changes.history({ instanceId, kind: suspended ? 'instanceSuspended' : 'instanceActivated', at: now, actor });
  if (!suspended) {
    // timers that came due while suspended fire now; waiting workers hear about their work again
    effects.push({ kind: 'wake', at: now });
    const topics = new Set<string>();
    for (const id of core.runtime.jobIdsOfInstance(instanceId)) {
      const job = core.runtime.getJob(id);
      if (job?.kind === 'task' && job.topic) topics.add(job.topic);
    }
    for (const topic of topics) effects.push({ kind: 'jobAvailable', topic });
  }
}

/**
 * Suspends or activates a definition (its timer start events with it) and, with
 * `includeProcessInstances`, every running instance of it.
 */
export function setDefinitionSuspension(core: EngineCore, definition: DefinitionRecord, suspended: boolean, includeProcessInstances: boolean, actor: string | null, effects: Effect[]): void {
  const current = core.repository.getDefinition(definition.id);
  if (!current) throw new NotFoundError(`No process definition with id '${definition.id}'`);
  core.changes.add({ kind: 'setDefinitionSuspension', definitionId: definition.id, suspended });
  if (!suspended) effects.push({ kind: 'wake', at: core.clock.now() });
  if (!includeProcessInstances) return;
  // setInstanceSuspension leaves those already in that state as they are
  for (const instanceId of core.repository.activeInstanceIdsOf(definition.id)) {
    setInstanceSuspension(core, instanceId, suspended, actor, effects);
  }
}

/** Camunda refuses to complete, claim or assign a task of a suspended instance. */
export function ensureTaskActive(task: TaskRecord): void {
  if (task.suspended) throw new SuspendedEntityError('task', task.id);
}

/** A worker's or handler's outcome for a job of a suspended instance is refused (Camunda: "ExternalTask with id … is suspended."). */
export function ensureJobActive(job: JobRecord): void {
  if (job.suspended) throw new SuspendedEntityError(job.kind === 'task' ? 'ExternalTask' : 'Job', job.id);
}

/** Signals, message triggers and modifications of a suspended instance are refused. */
export function ensureInstanceActive(core: EngineCore, instanceId: string, executionId: string = instanceId): void {
  if (core.runtime.getInstance(instanceId)?.suspended) throw new SuspendedEntityError('Execution', executionId);
}

/** No instance of a suspended definition starts (Camunda: "Process Definition with id … is suspended."). */
export function ensureDefinitionActive(definition: Pick<DefinitionRecord, 'id' | 'suspended'>): void {
  if (definition.suspended) throw new SuspendedEntityError('Process Definition', definition.id);
}
