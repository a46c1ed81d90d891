/**
 * Async continuations (`camunda:asyncBefore` / `asyncAfter`): the element waits for a job before
 * it is activated, or after it completed before it leaves; the job runs it on in a new transaction.
 */
import type { JobRecord } from '../../store/records.js';
import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { stillAcquired, dropJob } from './engine-job-records.js';

export function runAsyncContinuation(core: EngineCore, acquired: JobRecord, effects: Effect[]): void {
  const job = stillAcquired(core, acquired, 'async');
  if (!job) return;
  const instance = job.instanceId ? core.runtime.getInstance(job.instanceId) : undefined;
  if (!instance || instance.state !== 'active') return dropJob(core, job.id);
  const { phase, chain } = JSON.parse(job.payload ?? '{}') as { phase: 'before' | 'after'; chain?: number };
  inInstance(core, instance.id, effects, (step) => {
    // counts continuations in a row, so a loop through async elements ends in an incident (budget maxChainedContinuations)
    step.continuationChain = (chain ?? 0) + 1;
    step.cancelJob(job.id, job);
    const ei = job.elementInstanceId ? step.elementInstance(job.elementInstanceId) : undefined;
    if (!ei) return;
    if (phase === 'before') step.transitions.continueBefore(ei);
    else step.transitions.continueAfter(ei);
  });
}
