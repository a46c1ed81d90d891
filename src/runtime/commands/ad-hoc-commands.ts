/**
 * Activating inner elements of a running ad-hoc sub-process from outside (Camunda 8's
 * `POST /v2/element-instances/ad-hoc-activities/{key}/activation`): one instance step, like
 * every other command.
 */
import type { Effect } from '../effects.js';
import { inInstance, type EngineCore } from '../engine-core.js';
import { NotFoundError } from '../errors.js';
import { checkVariables } from '../variables.js';
import { activateAdHocElements, type AdHocActivation } from '../processors/ad-hoc-sub-process.js';

export interface AdHocActivationRequest {
  elements: AdHocActivation[];
  /** cancel the inner elements still running before activating these */
  cancelRemainingInstances?: boolean;
}

export function activateAdHocActivities(
  core: EngineCore,
  ref: { instanceId: string; elementInstanceId: string },
  request: AdHocActivationRequest,
  effects: Effect[],
  actor: string | null = null,
): void {
  const elements = request.elements.map((e) => ({ elementId: e.elementId, ...(e.variables ? { variables: checkVariables(e.variables) } : {}) }));
  inInstance(core, ref.instanceId, effects, (step) => {
    const ei = step.elementInstance(ref.elementInstanceId);
    const node = ei ? step.node(ei) : undefined;
    if (!ei || !node?.adHoc) throw new NotFoundError(`No ad-hoc sub-process instance with id '${ref.elementInstanceId}'`);
    step.recordHistory({ kind: 'adHocActivated', elementInstanceId: ei.id, elementId: ei.elementId, data: JSON.stringify({ elements: elements.map((e) => e.elementId) }) });
    activateAdHocElements(step, ei, node, elements, request.cancelRemainingInstances === true);
  }, actor);
}
