/**
 * Conditional events (Camunda 7): an intermediate catch event, a boundary event, an event
 * sub-process start or an event-based gateway branch that waits until its condition holds.
 *
 * A conditional event is armed exactly while the element instance that holds it is active (the
 * catch event itself, the activity a boundary event is attached to, the scope of an event
 * sub-process, the event-based gateway): the element-instance tree decides what listens, so it
 * survives a restart as it is. (A subscription row is written too, but only for listing, as
 * Camunda lists conditional event subscriptions.) The condition is evaluated
 * - when the event is armed (Camunda's "triggering on scope instantiation"), without filters, and
 * - after every variable change that it can see (set in its holder's scope or above), filtered by
 *   `camunda:variableName` and `camunda:variableEvents` (see conditional-dispatch.ts).
 * A condition naming a variable that does not exist is false, as in Camunda (`tryEvaluate`).
 */
import type { FlowNode } from '../../bpmn/graph.js';
import type { ConditionalEventProcessor } from './processor.js';
import type { Step, ElementInstance } from '../step.js';
import { newId } from '../ids.js';
import { conditionHolds, trigger } from './conditional-trigger.js';
import { conditionalState, armedKey, dispatchChanges, isArmed } from './conditional-dispatch.js';

export const conditionalEvent: ConditionalEventProcessor = {
  /** the catch event: continues at once when its condition already holds, else waits */
  onActivate(step, ei, node) {
    if (ei.data.triggered || conditionHolds(step, ei, node)) return step.transitions.complete(ei);
    conditionalState(step).armedAt.set(armedKey(ei, node), conditionalState(step).seq);
    listSubscription(step, ei, node, true);
  },
  onEvent(step, ei) {
    step.transitions.complete(ei);
  },
  arm(step, holder, eventNode) {
    const state = conditionalState(step);
    // changes made before this point are already seen by the evaluation below
    state.armedAt.set(armedKey(holder, eventNode), state.seq);
    listSubscription(step, holder, eventNode, eventNode.cancelActivity !== false && eventNode.interrupting !== false);
    step.schedule(holder, () => {
      if (isArmed(step, holder, eventNode) && conditionHolds(step, holder, eventNode)) trigger(step, holder, eventNode);
    });
  },
  variableChanged(step, scopeId, name, event) {
    const state = conditionalState(step);
    state.pending.push({ scopeId, name, event, seq: ++state.seq });
    if (state.pending.length === 1) step.schedule(null, () => dispatchChanges(step));
  },
};

/**
 * The row `GET /event-subscription?eventType=conditional` lists while the event is armed; it goes
 * with its holder (or the disarmed scope event) like message and signal subscriptions do.
 */
function listSubscription(step: Step, holder: ElementInstance | null, eventNode: FlowNode, interrupting: boolean): void {
  step.changes.add({ kind: 'insertSubscription', subscription: {
    id: newId(),
    kind: 'conditional',
    name: '',
    correlationKey: null,
    instanceId: step.instance.id,
    elementInstanceId: holder?.id ?? null,
    elementId: eventNode.id,
    definitionId: step.instance.definitionId,
    businessKey: step.instance.businessKey,
    tenantId: null,
    interrupting,
    createdAt: step.now,
  } });
}
