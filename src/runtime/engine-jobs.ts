import type { JobKind, JobRecord } from '../store/records.js';
import type { Effect } from './effects.js';
import type { EngineCore } from './engine-core.js';

/** What the engine does when a job of its own (not a handler's) falls due: fire a timer, continue after async. */
export type EngineJobRunner = (core: EngineCore, job: JobRecord, effects: Effect[]) => void;

const runners = new Map<JobKind, EngineJobRunner>();

/** Element families that schedule their own jobs register how to run them (one file each). */
export function registerEngineJob(kind: JobKind, runner: EngineJobRunner): void {
  runners.set(kind, runner);
}

export function fireEngineJob(core: EngineCore, job: JobRecord, effects: Effect[]): void {
  const runner = runners.get(job.kind);
  if (!runner) throw new Error(`No runner for jobs of kind '${job.kind}'`);
  runner(core, job, effects);
}
