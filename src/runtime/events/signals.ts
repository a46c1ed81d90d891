/**
 * Signals. `broadcastSignal` reaches every waiting signal subscription (catch events, boundary
 * events, event sub-process starts, event-based gateway branches) and starts an instance of every
 * definition whose start event listens (start subscriptions exist only for the latest versions).
 *
 * A signal thrown inside a process (throw or end event) affects other instances, and possibly its
 * own. It is not delivered inside the throwing step: the step writes a `continuation` job with the
 * signal and the newest subscription sequence number at the time of the throw. The same command
 * runs that job as a follow-up once the throwing step is written (events/follow-ups.ts), loading
 * each receiving instance in its own step, one after the other — so no instance is ever loaded
 * twice at the same time, every receiver has the signal when the command commits (Camunda 7 does
 * it in one transaction too), and only subscriptions that existed when the signal was thrown
 * receive it (BPMN semantics), not ones opened later in the throwing step.
 */
import type { DefinitionRecord, JobRecord } from '../../store/records.js';
import type { Step } from '../step.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import type { Effect } from '../effects.js';
import type { Variables } from '../variables.js';
import { startInstance } from '../commands/instance-commands.js';
import { deliver } from './delivery.js';
import { SynchronousFailure } from '../synchronous-failure.js';
import { engineJobRecord } from './engine-job-records.js';
import type { SubscriptionRecord } from '../../store/records.js';
import type { EventTrigger } from '../processors/processor.js';

export interface SignalBroadcast {
  name: string;
  variables?: Variables;
  tenantId?: string | null;
}

/** Delivers a signal now, in the caller's transaction (one savepoint per receiver). */
export function broadcastSignal(core: EngineCore, signal: SignalBroadcast, effects: Effect[], maxSeq?: number): void {
  const store = core.runtime.subscriptions;
  const waiting = store.waiting('signal', signal.name, maxSeq);
  const starts = store.starts('signal', signal.name, maxSeq);
  const trigger: EventTrigger = { kind: 'signal', ...(signal.variables ? { variables: signal.variables } : {}) };
  for (const subscription of waiting) {
    if (signal.tenantId !== undefined && signal.tenantId !== null && tenantOf(core, subscription) !== signal.tenantId) continue;
    isolated(core, effects, (fx) => deliverToSubscription(core, subscription, trigger, fx));
  }
  for (const subscription of starts) {
    if (signal.tenantId !== undefined && signal.tenantId !== null && subscription.tenantId !== signal.tenantId) continue;
    const definition = core.repository.getDefinition(subscription.definitionId!);
    if (!definition) continue;
    isolated(core, effects, (fx) => startInstance(core, definition, { startEventId: subscription.elementId, variables: signal.variables }, fx));
  }
}

/** Throw and end events: broadcast once this step is written, in the same command (see the module comment). */
export function queueSignal(step: Step, name: string, variables?: Variables): void {
  step.recordHistory({ kind: 'signalThrown', data: JSON.stringify({ name }) });
  // the store stamps the subscription high-water mark when it writes the job (after the subscriptions opened before the throw)
  const job = engineJobRecord(step.now, {
    kind: 'continuation',
    instanceId: null,
    elementInstanceId: null,
    elementId: null,
    definitionId: step.instance.definitionId,
    definitionKey: step.instance.definitionKey,
    payload: null,
  });
  step.changes.add({ kind: 'insertSignalJob', job, signal: { name, ...(variables ? { variables } : {}) } });
  step.changes.followUp(job.id);
}

/** Continuation: a signal thrown inside a process, broadcast once its step was written. */
export function runSignalContinuation(core: EngineCore, _job: JobRecord, payload: { type: string }, effects: Effect[]): void {
  const signal = payload as unknown as { name: string; maxSeq: number; variables?: Variables };
  broadcastSignal(core, { name: signal.name, variables: signal.variables }, effects, signal.maxSeq);
}

/** Delivers to one waiting subscription in its instance's own step; false when it is gone. */
export function deliverToSubscription(core: EngineCore, subscription: SubscriptionRecord, trigger: EventTrigger, effects: Effect[]): boolean {
  const store = core.runtime.subscriptions;
  if (!store.get(subscription.id)) return false; // withdrawn by an earlier delivery
  const instance = core.runtime.getInstance(subscription.instanceId!);
  if (!instance || instance.state !== 'active') return false;
  inInstance(core, instance.id, effects, (step) => {
    const holder = subscription.elementInstanceId === null ? null : step.elementInstance(subscription.elementInstanceId) ?? null;
    if (subscription.elementInstanceId !== null && !holder) return;
    const node = step.graph.nodes[subscription.elementId];
    if (!node) return;
    step.recordHistory({
      kind: subscription.kind === 'message' ? 'messageCorrelated' : 'signalReceived',
      elementInstanceId: holder?.id ?? null,
      elementId: node.id,
      data: JSON.stringify({ name: subscription.name }),
    });
    deliver(step, holder, node, trigger);
  });
  return true;
}

/**
 * Runs `fn` in a savepoint: a receiver that fails does not stop the others. Under Camunda 7's
 * rollback semantics a receiver's failure fails the whole command, as in Camunda's one transaction.
 */
export function isolated(core: EngineCore, effects: Effect[], fn: (effects: Effect[]) => void): boolean {
  const local: Effect[] = [];
  let failure: SynchronousFailure | undefined;
  const ran = core.isolated(() => {
    try {
      fn(local);
    } catch (error) {
      if (error instanceof SynchronousFailure) failure = error;
      throw error;
    }
  });
  if (failure) throw failure;
  if (!ran) return false;
  effects.push(...local);
  return true;
}

function tenantOf(core: EngineCore, subscription: SubscriptionRecord): string | null {
  if (!subscription.definitionId) return null;
  const definition: DefinitionRecord | undefined = core.repository.getDefinition(subscription.definitionId);
  return definition?.tenantId ?? null;
}
