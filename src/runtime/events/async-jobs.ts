/**
 * Async continuations (`camunda:asyncBefore` / `asyncAfter`): the element waits for a job before
 * it is activated, or after it completed before it leaves; the job runs it on in a new transaction.
 */
import { registerEngineJob } from '../engine-jobs.js';
import { inInstance } from '../engine-core.js';
import { stillAcquired, dropJob } from './triggers.js';

registerEngineJob('async', (core, acquired, effects) => {
  const job = stillAcquired(core, acquired, 'async');
  if (!job) return;
  const instance = job.instanceId ? core.runtime.getInstance(job.instanceId) : undefined;
  if (!instance || instance.state !== 'active') return dropJob(core, job.id);
  const { phase } = JSON.parse(job.payload ?? '{}') as { phase: 'before' | 'after' };
  inInstance(core, instance.id, effects, (step) => {
    step.cancelJob(job.id);
    const ei = job.elementInstanceId ? step.elementInstance(job.elementInstanceId) : undefined;
    if (!ei) return;
    if (phase === 'before') step.continueBefore(ei);
    else step.continueAfter(ei);
  });
});
