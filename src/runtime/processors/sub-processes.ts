import type { ElementProcessor } from './processor.js';
import { IncidentError } from '../errors.js';

/** Embedded sub-process: a scope with its own none start event; completes when every token inside has ended. */
export const subProcess: ElementProcessor = {
  onActivate(step, ei, node) {
    if (ei.data.scopeOnly) {
      // created by a modification around a token that was entered inside it already
      step.services.processors.eventSubProcess.armScope(step, ei);
      return;
    }
    const startId = node.scope?.startEvents.find((id) => {
      const start = step.graph.nodes[id];
      return start && (start.event?.type ?? 'none') === 'none';
    });
    if (!startId) throw new IncidentError(`Sub-process '${node.id}' has no none start event`);
    step.services.processors.eventSubProcess.armScope(step, ei);
    step.transitions.enter(step.graph.nodes[startId]!, ei.id);
  },
  onChildrenDone(step, ei) {
    step.transitions.complete(ei);
  },
};
