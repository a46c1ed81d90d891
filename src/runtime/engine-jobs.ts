import type { JobKind, JobRecord } from '../store/records.js';
import type { Effect } from './effects.js';
import type { EngineCore } from './engine-core.js';
import { fireTimer } from './events/timer-jobs.js';
import { runAsyncContinuation } from './events/async-jobs.js';
import { runContinuation } from './events/continuations.js';
import { waitsWhileSuspended } from './commands/suspension.js';

/** What the engine does when a job of its own (not a handler's) falls due: fire a timer, continue after async. */
export type EngineJobRunner = (core: EngineCore, job: JobRecord, effects: Effect[]) => void;

/** Every kind of engine job and what runs it ('task' jobs go to handlers and workers instead). */
export const engineJobRunners: Readonly<Record<Exclude<JobKind, 'task'>, EngineJobRunner>> = {
  timer: fireTimer,
  async: runAsyncContinuation,
  continuation: runContinuation,
};

export function fireEngineJob(core: EngineCore, job: JobRecord, effects: Effect[]): void {
  if (job.kind === 'task') throw new Error(`Job '${job.id}' is a work item for a handler, not an engine job`);
  if (waitsWhileSuspended(core, job)) return;
  engineJobRunners[job.kind](core, job, effects);
}
