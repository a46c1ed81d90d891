/**
 * Compensation intermediate throw and end events: compensate the completed activities of their
 * scope (or the one `activityRef` names) and, with `waitForCompletion` (the default), wait until
 * every handler has completed before going on (the end event then ends its token).
 */
import type { ElementProcessor } from './processor.js';
import { runNextHandler, startCompensation } from '../compensation/throw.js';

export const compensationThrowEvent: ElementProcessor = {
  onActivate(step, ei, node) {
    const wait = node.event?.waitForCompletion !== false;
    if (!startCompensation(step, ei, node.event?.activityRef, wait)) step.transitions.complete(ei);
  },
  onChildrenDone(step, ei) {
    if (!runNextHandler(step, ei)) step.transitions.complete(ei);
  },
};
