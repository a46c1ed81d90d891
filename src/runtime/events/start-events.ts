/**
 * Start events that are not started by a caller: timer starts are instance-less timer jobs,
 * message and signal starts are instance-less subscriptions. They are written in the deployment's
 * transaction, for the new version only: a new version of a key takes the schedule and the
 * subscriptions over from the older ones (as Camunda does).
 */
import { newId } from '../ids.js';
import type { DefinitionRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { BadRequestError } from '../errors.js';
import { insertEngineJob } from './engine-job-records.js';
import { timerPayload } from './arming.js';
import { evaluate } from '../../expressions/index.js';
import { DEFAULT_BUDGETS } from '../budgets.js';

export function armStartEvents(core: EngineCore, definitions: readonly DefinitionRecord[], effects: Effect[]): void {
  const now = core.clock.now();
  for (const definition of definitions) {
    const versions = { key: definition.key, tenantId: definition.tenantId, keepDefinitionId: definition.id };
    core.changes.add({ kind: 'deleteStartSubscriptionsOfOtherVersions', ...versions });
    core.changes.add({ kind: 'deleteStartTimersOfOtherVersions', ...versions });
    const graph = core.services.graphOf(definition.id);
    for (const startId of graph.scope.startEvents) {
      const node = graph.nodes[startId]!;
      const event = node.event;
      if (event?.type === 'timer' && event.timer) {
        let payload;
        try {
          // expressions are evaluated now, without variables (there is no instance yet)
          const text = event.timer.expression.language === 'literal'
            ? event.timer.expression.source
            : String(evaluate(event.timer.expression, {}, { elementId: node.id, processDefinitionKey: definition.key }));
          payload = timerPayload(node, text, now, core.services.timeZone, core.services.budgets?.minTimerCycleInterval ?? DEFAULT_BUDGETS.minTimerCycleInterval);
        } catch (error) {
          throw new BadRequestError(`Timer start event '${node.id}' of process '${definition.key}': ${(error as Error).message}`);
        }
        insertEngineJob(core, now, {
          kind: 'timer',
          instanceId: null,
          elementInstanceId: null,
          elementId: node.id,
          definitionId: definition.id,
          definitionKey: definition.key,
          dueAt: payload.slot.due,
          payload,
        }, effects, core.services.defaultRetries);
      } else if ((event?.type === 'message' && event.messageName) || (event?.type === 'signal' && event.signalName)) {
        core.changes.add({ kind: 'insertSubscription', subscription: {
          id: newId(),
          kind: event.type,
          name: (event.type === 'message' ? event.messageName : event.signalName)!,
          correlationKey: null,
          instanceId: null,
          elementInstanceId: null,
          elementId: node.id,
          definitionId: definition.id,
          businessKey: null,
          tenantId: definition.tenantId,
          interrupting: true,
          createdAt: now,
        } });
      }
    }
  }
}
