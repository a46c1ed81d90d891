/** The compensate event definition of a compensation throw or end event (BPMN 2.0 §10.7.2). */
import type { EventDefinition } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

/** `bpmn:compensateEventDefinition` on a throw or end event: `activityRef`, `waitForCompletion` (default true). */
export function compensationEvent(definition: ModdleElement, throwing: boolean): EventDefinition {
  const event: EventDefinition = { type: 'compensation' };
  if (!throwing) return event;
  // an activityRef naming no element is reported by the reader (unresolved reference)
  const activityRef = text((definition.activityRef as ModdleElement | undefined)?.id);
  if (activityRef !== undefined) event.activityRef = activityRef;
  event.waitForCompletion = definition.waitForCompletion !== false;
  return event;
}
