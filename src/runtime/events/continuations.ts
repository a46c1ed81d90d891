/**
 * Continuation jobs: durable notes from one transaction to a later one — a called instance ended
 * (for its caller), a child's BPMN error (for its caller), a signal thrown inside a process (for
 * every subscriber). The job is deleted in the same transaction that acts on it, so each runs once.
 */
import type { JobRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { registerEngineJob } from '../engine-jobs.js';
import { stillAcquired, dropJob } from './triggers.js';

export type ContinuationRunner = (core: EngineCore, job: JobRecord, payload: { type: string }, effects: Effect[]) => void;

const runners = new Map<string, ContinuationRunner>();

export function registerContinuation(type: string, runner: ContinuationRunner): void {
  runners.set(type, runner);
}

registerEngineJob('continuation', (core, acquired, effects) => {
  const job = stillAcquired(core, acquired, 'continuation');
  if (!job) return; // withdrawn meanwhile
  const payload = JSON.parse(job.payload ?? '{}') as { type: string };
  const runner = runners.get(payload.type);
  if (!runner) throw new Error(`No runner for continuations of type '${payload.type}'`);
  dropJob(core, job.id);
  runner(core, job, payload, effects);
});
