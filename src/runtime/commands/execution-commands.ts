/**
 * Commands on one Camunda 7 "execution": the process instance itself (its id is the instance id)
 * or one of its element instances. Used by the /execution, /task variable and /job/{id}/execute
 * routes; each runs in one instance step like every other command.
 */
import type { SubscriptionRecord } from '../../store/records.js';
import type { EngineCore } from '../engine-core.js';
import { inInstance } from '../engine-core.js';
import type { Effect } from '../effects.js';
import { fireEngineJob } from '../engine-jobs.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import type { ElementInstance, Step } from '../step.js';
import type { Variables } from '../variables.js';
import { deliver } from '../events/delivery.js';
import { deliverToSubscription } from '../events/signals.js';
import { ensureInstanceActive, ensureJobActive } from './suspension.js';

/** Where an execution id lives: its instance, and the element instance (null = the process instance). */
export interface ExecutionRef {
  instanceId: string;
  elementInstanceId: string | null;
}

/** An execution that does not exist answers 404, as Camunda's "execution ... doesn't exist". */
function executionOf(step: Step, ref: ExecutionRef): ElementInstance | null {
  if (ref.elementInstanceId === null) return null;
  const ei = step.elementInstance(ref.elementInstanceId);
  if (!ei) throw new NotFoundError(`Execution with id ${ref.elementInstanceId} does not exist`);
  return ei;
}

/** Elements a signal to their execution continues (Camunda 7's `RuntimeService.signal`). */
function waitsForSignal(step: Step, ei: ElementInstance): boolean {
  const node = step.node(ei);
  return ei.state === 'active' && (node.kind === 'receiveTask' || (node.kind === 'intermediateCatchEvent' && node.event?.type !== 'link'));
}

/**
 * Continues the wait state of an execution (a receive task, also one without a message, or an
 * intermediate catch event), setting `variables` first. The process instance's id addresses its
 * only waiting element, as in Camunda where a single token runs in the instance's execution.
 */
export function signalExecution(core: EngineCore, ref: ExecutionRef, variables: Variables | undefined, effects: Effect[]): void {
  ensureInstanceActive(core, ref.instanceId, ref.elementInstanceId ?? ref.instanceId);
  inInstance(core, ref.instanceId, effects, (step) => {
    let target = executionOf(step, ref);
    if (target === null) {
      const waiting = [...step.elementInstances()].filter((ei) => waitsForSignal(step, ei));
      if (waiting.length !== 1) {
        throw new BadRequestError(`Cannot signal execution ${ref.instanceId}: ${waiting.length === 0 ? 'it is not waiting in a receive task or catch event' : `${waiting.length} elements are waiting, signal one of their executions`}`);
      }
      target = waiting[0]!;
    }
    if (!waitsForSignal(step, target)) {
      const node = step.node(target);
      throw new BadRequestError(`Cannot signal execution ${target.id}: '${node.id}' (${node.type}) does not wait for a signal`);
    }
    step.recordHistory({ kind: 'executionSignalled', elementInstanceId: target.id, elementId: target.elementId, data: null });
    deliver(step, target, step.node(target), { kind: 'signal', ...(variables ? { variables } : {}) });
  });
}

/** The waiting subscriptions held by an execution (an element instance, or the instance's root scope). */
function subscriptionsOf(core: EngineCore, ref: ExecutionRef, kind: 'message' | 'signal', name: string): SubscriptionRecord[] {
  return core.runtime.subscriptions
    .ofInstance(ref.instanceId)
    .filter((s) => s.kind === kind && s.name === name && s.elementInstanceId === ref.elementInstanceId);
}

/** `POST /execution/{id}/messageSubscriptions/{name}/trigger`: the one message subscription of that execution. */
export function triggerMessageSubscription(core: EngineCore, ref: ExecutionRef, messageName: string, variables: Variables | undefined, effects: Effect[]): void {
  ensureInstanceActive(core, ref.instanceId, ref.elementInstanceId ?? ref.instanceId);
  const [subscription] = subscriptionsOf(core, ref, 'message', messageName);
  if (!subscription) {
    throw new BadRequestError(`Execution ${ref.elementInstanceId ?? ref.instanceId} has not subscribed to a message event with name ${messageName}`);
  }
  deliverToSubscription(core, subscription, { kind: 'message', sourceId: subscription.id, ...(variables ? { variables } : {}) }, effects);
}

/** `POST /signal` with `executionId`: only that execution's subscriptions to the signal receive it. */
export function signalOneExecution(core: EngineCore, ref: ExecutionRef, signalName: string, variables: Variables | undefined, effects: Effect[]): void {
  ensureInstanceActive(core, ref.instanceId, ref.elementInstanceId ?? ref.instanceId);
  const subscriptions = subscriptionsOf(core, ref, 'signal', signalName);
  if (subscriptions.length === 0) {
    throw new BadRequestError(`Cannot deliver signal '${signalName}': execution ${ref.elementInstanceId ?? ref.instanceId} has not subscribed to it`);
  }
  for (const subscription of subscriptions) {
    deliverToSubscription(core, subscription, { kind: 'signal', sourceId: subscription.id, ...(variables ? { variables } : {}) }, effects);
  }
}

/**
 * Variables of one execution's own scope (`local`), or set from it the way Camunda's
 * `setVariable` does (where the name is already defined, else on the process instance).
 */
export function modifyExecutionVariables(
  core: EngineCore,
  ref: ExecutionRef,
  change: { set: Variables; remove: readonly string[]; local: boolean },
  effects: Effect[],
  actor: string | null = null,
): void {
  inInstance(core, ref.instanceId, effects, (step) => {
    const ei = executionOf(step, ref);
    const scopeId = ei?.id ?? step.rootScope;
    for (const [name, value] of Object.entries(change.set)) {
      if (change.local) step.setLocalVariable(scopeId, name, value);
      else step.setVariable(ei?.id ?? null, name, value);
    }
    for (const name of change.remove) {
      if (change.local) step.deleteVariable(scopeId, name);
      // not local: the name disappears from the execution's view (from every scope that defines it)
      else for (const scope of step.scopeChain(ei?.id ?? null)) step.deleteVariable(scope, name);
    }
  }, actor);
}

/**
 * `POST /job/{id}/execute`: runs a timer or async-continuation job now, in this command.
 * Handler work items (external tasks) are not jobs in Camunda and cannot be executed here.
 */
export function executeJob(core: EngineCore, jobId: string, effects: Effect[]): void {
  const job = core.runtime.getJob(jobId);
  if (!job) throw new NotFoundError(`Job with id ${jobId} does not exist`);
  if (job.kind === 'task') {
    throw new BadRequestError(`Job ${jobId} is a work item of topic '${job.topic ?? ''}': it is completed by its handler or external task worker, not executed`);
  }
  ensureJobActive(job);
  fireEngineJob(core, job, effects);
}
