/**
 * Follow-ups: what Camunda 7 does in one transaction we do in one command. A called instance that
 * ends continues its caller, a BPMN error it passes up reaches the call activity, and a signal
 * thrown inside a process reaches every receiver — in the command that caused it, so the REST call
 * that completed the child's last task answers with the parent already moved on.
 *
 * Each is still written as a continuation job first (with the step that caused it, as before), and
 * the command runs those jobs itself once its own steps are written: one step per instance at a
 * time (a caller is never loaded while its child's step runs), the job deleted as it runs, so the
 * whole cascade commits with the command or not at all. Notes in a row for the same caller (a
 * multi-instance call activity whose children all ended at once) run in one step of it, so it is
 * loaded once, not once per child. A follow-up asks for further follow-ups
 * (the parent ends and continues the grandparent), which run in turn: a loop, not recursion, so a
 * deep call chain or a signal that starts thousands of instances cannot exhaust the stack. A
 * cascade longer than the maxFollowUps budget (a signal start event that throws its own signal)
 * fails the command with a clear error instead of running forever.
 */
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { DEFAULT_BUDGETS, followUpsExceeded } from '../budgets.js';
import { EngineError } from '../errors.js';
import type { JobRecord } from '../../store/records.js';
import { runContinuationNow } from './continuations.js';
import { dropJob } from './engine-job-records.js';
import { waitsWhileSuspended } from '../commands/suspension.js';
import { isCallerNote, runCallerNotes } from '../processors/call-activities.js';

export function runFollowUps(core: EngineCore, effects: Effect[]): void {
  const budget = core.services.budgets?.maxFollowUps ?? DEFAULT_BUDGETS.maxFollowUps;
  let ran = 0;
  for (let ids = core.changes.takeFollowUps(); ids.length > 0; ids = core.changes.takeFollowUps()) {
    // the receivers read the store: write what the command changed so far
    core.services.store.apply(core.changes);
    const jobs: JobRecord[] = [];
    for (const id of ids) {
      const job = core.runtime.getJob(id);
      if (job?.kind !== 'continuation') continue; // rolled back with a receiver that failed, or withdrawn
      if (!waitsWhileSuspended(core, job)) jobs.push(job);
    }
    if ((ran += jobs.length) > budget) throw new EngineError(followUpsExceeded(budget));
    runInOrder(core, jobs, effects);
  }
}

/** Runs the jobs in order; notes in a row for the same caller run in one step of it. */
function runInOrder(core: EngineCore, jobs: JobRecord[], effects: Effect[]): void {
  for (let i = 0; i < jobs.length; ) {
    const first = jobs[i]!;
    const payload = JSON.parse(first.payload ?? '{}') as { type: string };
    if (!isCallerNote(payload)) {
      runContinuationNow(core, first, effects);
      i++;
      continue;
    }
    const notes = [{ job: first, note: payload }];
    for (i++; i < jobs.length && jobs[i]!.instanceId === first.instanceId; i++) {
      const note = JSON.parse(jobs[i]!.payload ?? '{}') as { type: string };
      if (!isCallerNote(note)) break;
      notes.push({ job: jobs[i]!, note });
    }
    for (const { job } of notes) dropJob(core, job.id);
    runCallerNotes(core, first.instanceId, notes, effects);
  }
}
