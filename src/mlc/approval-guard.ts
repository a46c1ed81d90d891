/**
 * Server-side rules for the lifecycle's approval tasks (Task_Approve of OnModelChanged and
 * RetrainOnDrift), run before such a task is completed over HTTP:
 *   - evidence is read-only: only `approved` and `comment` are inputs; a completion that changes
 *     any other variable the approver was shown (metrics, version, model id) is refused (400);
 *   - with authorization enabled, the approver needs the `approve` authorization, and
 *   - four-eyes: the user who submitted the version (or started the process) may not approve it
 *     (403), unless turned off for the model type (lifecycle option `fourEyes`) or the model
 *     (`metadata.fourEyes: false`).
 */
import { isDeepStrictEqual } from 'node:util';
import { BadRequestError } from '../runtime/errors.js';
import { AuthorizationError } from '../identity/authorization-error.js';
import { identityOf, type TaskGuard, type VariableWriteGuard } from '../identity/identity-service.js';
import type { ModelRecord } from '../store/registry-store.js';
import type { ModelLifecycle } from './lifecycle.js';
import { approvalGroupOf } from './handlers/deployed-model.js';

// the Camunda 8 flavours (processes/c8/) have the same approval task
const APPROVAL_TASKS: Readonly<Record<string, string>> = {
  OnModelChanged: 'Task_Approve', RetrainOnDrift: 'Task_Approve', OnModelChangedC8: 'Task_Approve', RetrainOnDriftC8: 'Task_Approve',
};
export const APPROVAL_INPUTS: readonly string[] = ['approved', 'comment'];

/** Four-eyes: the model's `metadata.fourEyes` if set, else the lifecycle's setting for its type, else on. */
export function fourEyesApplies(lc: ModelLifecycle, model: ModelRecord): boolean {
  if (typeof model.metadata.fourEyes === 'boolean') return model.metadata.fourEyes;
  return lc.options.fourEyes[model.type] ?? true;
}

/** Who brought a version forward: the actors of its `registered` (upload) and `submitted` events. */
export function submittersOf(lc: ModelLifecycle, modelId: string, version: number): string[] {
  return lc.registry.events(modelId, version).filter((e) => (e.kind === 'submitted' || e.kind === 'registered') && e.actor !== null).map((e) => e.actor!);
}

export function approvalGuard(lc: ModelLifecycle): TaskGuard {
  return ({ task, userId, variables, authorizationEnabled }) => {
    if (APPROVAL_TASKS[task.definitionKey] !== task.elementId) return;
    const shown = lc.engine.queries.visibleVariables(task.instanceId, task.elementInstanceId);
    for (const [name, value] of Object.entries(variables)) {
      if (APPROVAL_INPUTS.includes(name)) continue;
      if (Object.hasOwn(shown, name) && isDeepStrictEqual(shown[name], value)) continue;
      throw new BadRequestError(`Cannot complete task ${task.id}: '${name}' is evidence of the approval and read-only; only ${APPROVAL_INPUTS.join(' and ')} are inputs`);
    }
    if (!authorizationEnabled || userId === null) return;
    const modelId = typeof shown.modelId === 'string' ? shown.modelId : null;
    identityOf(lc.engine).require(userId, 'approve', modelId);
    const model = modelId === null ? undefined : lc.registry.findModel(modelId);
    if (!model || !fourEyesApplies(lc, model)) return;
    const version = typeof shown.modelVersion === 'number' ? shown.modelVersion : null;
    const submitters = new Set(version === null ? [] : submittersOf(lc, model.id, version));
    const starter = lc.engine.queries.startActor(task.instanceId);
    if (starter !== null) submitters.add(starter);
    if (submitters.has(userId)) {
      throw AuthorizationError.missing(userId, 'APPROVE', 'Model', `${model.id}:v${version ?? '?'}`,
        'Four-eyes: the user who submitted a model version cannot approve it.');
    }
  };
}

/**
 * While an approval task is open, its evidence is frozen: variables other than the decision
 * inputs cannot be set or removed over REST (task, process-instance or execution variables).
 */
export function frozenEvidenceGuard(lc: ModelLifecycle): VariableWriteGuard {
  return ({ instanceId, names }) => {
    const open = lc.engine.queries.tasks({ processInstanceId: instanceId }).find((t) => APPROVAL_TASKS[t.definitionKey] === t.elementId);
    if (!open) return;
    const evidence = names.find((n) => !APPROVAL_INPUTS.includes(n));
    if (evidence === undefined) return;
    throw new BadRequestError(`Cannot change variable '${evidence}' of process instance ${instanceId}: it is evidence of the open approval task ${open.id} and read-only`);
  };
}

/**
 * A status set by hand (`POST /mlc/models/{id}/versions/{n}/status`) to `approved` is an approval
 * too: with authorization on it needs the `approve` authorization, membership of the model's
 * approval group (as the approval task's candidate group would) and obeys four-eyes.
 */
export function checkManualApproval(lc: ModelLifecycle, userId: string | null, modelId: string, version: number): void {
  const identity = identityOf(lc.engine);
  if (!identity.authorization.enabled || userId === null) return;
  identity.require(userId, 'approve', modelId);
  const model = lc.registry.model(modelId);
  const group = approvalGroupOf(model);
  if (!identity.isAdmin(userId) && !identity.groupIdsOf(userId).includes(group)) {
    throw AuthorizationError.missing(userId, 'APPROVE', 'Model', `${modelId}:v${version}`, `Only members of the approval group '${group}' may approve it.`);
  }
  if (fourEyesApplies(lc, model) && submittersOf(lc, modelId, version).includes(userId)) {
    throw AuthorizationError.missing(userId, 'APPROVE', 'Model', `${modelId}:v${version}`, 'Four-eyes: the user who submitted a model version cannot approve it.');
  }
}
