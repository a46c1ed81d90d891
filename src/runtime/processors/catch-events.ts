/**
 * Intermediate catch events (timer, message, signal, link) and receive tasks: arm what they wait
 * for when entered, continue when it happens. Entered from an event-based gateway whose branch
 * already fired, they pass at once.
 */
import type { ElementProcessor } from './processor.js';
import { armEvent } from '../events/arming.js';
import { applyResult } from './tasks.js';

export const intermediateCatchEvent: ElementProcessor = {
  onActivate(step, ei, node) {
    if (ei.data.triggered || node.event?.type === 'link') return step.transitions.complete(ei);
    armEvent(step, ei, node);
  },
  onEvent(step, ei, node, trigger) {
    if (trigger.variables) applyResult(step, ei, node, trigger.variables);
    step.transitions.complete(ei);
  },
};

export const receiveTask: ElementProcessor = intermediateCatchEvent;
