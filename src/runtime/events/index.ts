/**
 * Event plumbing for the step loop: timers, messages, signals, escalations, event sub-processes,
 * call activities and async continuations. Importing this module registers the job runners;
 * `eventHooks` plugs into the step (StepHooks).
 */
import type { StepHooks } from '../step.js';
import { armEvent, mayHoldTriggers, mayHoldTriggersAnywhere, releaseHeld } from './triggers.js';
import { armEventSubProcesses, catchErrorInScope } from '../behaviours/event-sub-processes.js';
import { isMultiInstanceInner } from '../behaviours/multi-instance.js';
import { propagateErrorToParent, reportToCaller } from '../behaviours/call-activities.js';
import './continuations.js';
import './timer-jobs.js';
import './async-jobs.js';
import './signals.js';

export const eventHooks: StepHooks = {
  armBoundaryEvents(step, ei, node) {
    if (isMultiInstanceInner(ei, node)) return;
    for (const id of node.boundaryEvents ?? []) {
      const boundary = step.graph.nodes[id];
      if (boundary) armEvent(step, ei, boundary, boundary.cancelActivity !== false);
    }
  },
  armEventSubProcesses,
  releaseEventTriggers(step, ei, instanceId) {
    if (ei === null) {
      if (mayHoldTriggersAnywhere(step.graph)) step.changes.add({ kind: 'deleteSubscriptionsOfInstance', instanceId });
      return;
    }
    if (mayHoldTriggers(step.node(ei))) releaseHeld(step, ei);
  },
  instanceEnded: reportToCaller,
  catchErrorInScope,
  propagateErrorToParent,
};

export { correlateMessage, type CorrelateMessageRequest, type CorrelationResult } from './correlation.js';
export { broadcastSignal, type SignalBroadcast } from './signals.js';
export { armStartEvents } from './start-events.js';
