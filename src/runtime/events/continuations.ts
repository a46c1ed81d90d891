/**
 * Continuation jobs: durable notes from one step to another — a called instance ended (for its
 * caller), a child's BPMN error (for its caller), a signal thrown inside a process (for every
 * subscriber), a buffered message. The first three run as follow-ups inside the command that
 * wrote them (events/follow-ups.ts); a job left over from an older engine runs when the scheduler
 * finds it. The job is deleted in the same transaction that acts on it, so each runs once.
 */
import type { JobRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { stillAcquired, dropJob } from './engine-job-records.js';
import { runSignalContinuation } from './signals.js';
import { runCallerNote } from '../processors/call-activities.js';
import { runBufferedMessageDelivery } from './buffered-message-delivery.js';
import { BUFFERED_MESSAGE_CONTINUATION } from './buffered-message-offer.js';

export type ContinuationRunner = (core: EngineCore, job: JobRecord, payload: { type: string }, effects: Effect[]) => void;

/** Every kind of continuation and what runs it. */
const continuations: Readonly<Record<'signal' | 'childEnded' | 'childError' | 'childEscalation' | typeof BUFFERED_MESSAGE_CONTINUATION, ContinuationRunner>> = {
  signal: runSignalContinuation,
  childEnded: runCallerNote,
  childError: runCallerNote,
  childEscalation: runCallerNote,
  [BUFFERED_MESSAGE_CONTINUATION]: runBufferedMessageDelivery,
};

function isContinuationType(type: string): type is keyof typeof continuations {
  return Object.hasOwn(continuations, type);
}

export function runContinuation(core: EngineCore, acquired: JobRecord, effects: Effect[]): void {
  const job = stillAcquired(core, acquired, 'continuation');
  if (!job) return; // withdrawn meanwhile
  runContinuationNow(core, job, effects);
}

/** Acts on a continuation job as read now (the scheduler acquired it, or the command that wrote it runs it as a follow-up). */
export function runContinuationNow(core: EngineCore, job: JobRecord, effects: Effect[]): void {
  const payload = JSON.parse(job.payload ?? '{}') as { type: string };
  if (!isContinuationType(payload.type)) throw new Error(`No runner for continuations of type '${payload.type}'`);
  dropJob(core, job.id);
  continuations[payload.type](core, job, payload, effects);
}
