/**
 * Timer jobs fire through the scheduler: intermediate catch events, boundary events, event
 * sub-process starts and (without an instance) timer start events. The firing and the re-arm of
 * a cycle's next slot happen in the transaction that deletes or reschedules the job, so a slot
 * fires once; after a restart an overdue timer fires once and a cycle continues from its next
 * slot after now (`nextSlot`), not once per missed slot.
 */
import type { JobRecord } from '../../store/records.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { nextSlot, type TimerSlot } from '../timers/index.js';
import { startInstance } from '../commands/instance-commands.js';
import { stillAcquired, dropJob } from './engine-job-records.js';
import { deliver, timerRepeats } from './delivery.js';
import type { TimerPayload } from './arming.js';

function following(payload: TimerPayload, now: number): TimerSlot | null {
  if (payload.kind !== 'cycle') return null;
  try {
    return nextSlot(payload.text, payload.slot, now, payload.timeZone);
  } catch {
    return null;
  }
}

function reschedule(core: EngineCore, job: JobRecord, payload: TimerPayload, next: TimerSlot, effects: Effect[]): void {
  core.changes.add({ kind: 'rescheduleJob', id: job.id, payload: JSON.stringify({ ...payload, slot: next }), dueAt: next.due });
  effects.push({ kind: 'wake', at: next.due });
}

/** A timer job fell due: fire it where it waits (or start an instance), and re-arm a cycle's next slot. */
export function fireTimer(core: EngineCore, acquired: JobRecord, effects: Effect[]): void {
  const job = stillAcquired(core, acquired, 'timer');
  if (!job) return; // withdrawn meanwhile
  const payload = JSON.parse(job.payload ?? '{}') as TimerPayload;
  const now = core.clock.now();
  const next = following(payload, now);

  if (job.instanceId === null) {
    // a timer start event: a new instance of the definition it was armed for, then the next slot
    if (next) reschedule(core, job, payload, next, effects);
    else dropJob(core, job.id);
    const definition = job.definitionId ? core.repository.getDefinition(job.definitionId) : undefined;
    if (definition) startInstance(core, definition, { startEventId: job.elementId! }, effects);
    return;
  }

  const instance = core.runtime.getInstance(job.instanceId);
  if (!instance || instance.state !== 'active') return dropJob(core, job.id);
  inInstance(core, instance.id, effects, (step) => {
    const holder = job.elementInstanceId === null ? null : step.elementInstance(job.elementInstanceId) ?? null;
    const node = job.elementId ? step.graph.nodes[job.elementId] : undefined;
    if ((job.elementInstanceId !== null && !holder) || !node) return step.cancelJob(job.id, job);
    if (next && timerRepeats(node)) reschedule(core, job, payload, next, step.effects);
    else step.cancelJob(job.id, job);
    step.recordHistory({ kind: 'timerFired', elementInstanceId: holder?.id ?? null, elementId: node.id, data: JSON.stringify({ due: payload.slot.due }) });
    deliver(step, holder, node, { kind: 'timer', sourceId: job.id });
  });
}
