/**
 * Who may claim, complete and reassign a user task (when authorization is enabled):
 *   complete  the assignee; when unassigned, a candidate user or a member of a candidate group
 *   claim     for oneself, when unassigned and a candidate as above
 *   assign    (set the assignee, claim for someone else) only admins; a candidate may assign
 *             an unassigned task to themself and the assignee may give it back
 *   unclaim   the assignee or an admin
 * Members of the admin group (camunda-admin) may reassign anything; a task without any
 * candidate or assignee is open to every authenticated user.
 */
import type { TaskRecord } from '../store/records.js';
import { AuthorizationError } from './authorization-error.js';
import type { IdentityService } from './identity-service.js';

export type TaskAction =
  | { kind: 'complete' }
  | { kind: 'claim'; for: string | null }
  | { kind: 'assign'; to: string | null }
  | { kind: 'unclaim' };

function isCandidate(identity: IdentityService, task: TaskRecord, userId: string): boolean {
  if (task.candidateUsers.length === 0 && task.candidateGroups.length === 0) return true;
  if (task.candidateUsers.includes(userId)) return true;
  const groups = identity.groupIdsOf(userId);
  return task.candidateGroups.some((g) => groups.includes(g));
}

const refuse = (userId: string, permission: string, task: TaskRecord, why: string) => AuthorizationError.missing(userId, permission, 'Task', task.id, why);

/** Throws a 403 AuthorizationError unless `userId` may do `action` on `task`; a no-op while authorization is off or without a user. */
export function checkTaskAction(identity: IdentityService, task: TaskRecord, userId: string | null, action: TaskAction): void {
  if (!identity.authorization.enabled || userId === null) return;
  if (identity.isAdmin(userId)) return;
  const mayWorkOnUnassigned = task.assignee === null && isCandidate(identity, task, userId);
  switch (action.kind) {
    case 'complete':
      if (task.assignee === userId || mayWorkOnUnassigned) return;
      throw refuse(userId, 'TASK_WORK', task, task.assignee === null
        ? 'Only a candidate user or a member of a candidate group may complete it.'
        : 'It is assigned to another user.');
    case 'claim':
      if (action.for !== null && action.for !== userId) throw refuse(userId, 'TASK_ASSIGN', task, 'Only an admin may claim a task for another user.');
      // claiming a task someone else holds is answered by the engine (TaskAlreadyClaimedException)
      if (task.assignee !== null || mayWorkOnUnassigned) return;
      throw refuse(userId, 'TASK_WORK', task, 'Only a candidate user or a member of a candidate group may claim it.');
    case 'assign':
      if (action.to === userId && mayWorkOnUnassigned) return;
      if (action.to === null && task.assignee === userId) return;
      throw refuse(userId, 'TASK_ASSIGN', task, 'Only an admin may reassign a task.');
    case 'unclaim':
      if (task.assignee === null || task.assignee === userId) return;
      throw refuse(userId, 'TASK_ASSIGN', task, 'Only the assignee or an admin may unclaim it.');
  }
}

/** Everything checked before a task is completed over HTTP: who may complete it, then the registered guards. */
export function authorizeCompletion(identity: IdentityService, task: TaskRecord, userId: string | null, variables: Record<string, unknown>): void {
  checkTaskAction(identity, task, userId, { kind: 'complete' });
  identity.runTaskGuards(task, userId, variables);
}

/**
 * Before variables of a running instance change over HTTP: through a task, the user who may work
 * on it; directly on the instance or an execution, only admins (Camunda's UPDATE_VARIABLE on
 * ProcessInstance, which no group has by default); then the registered guards (frozen evidence).
 */
export function authorizeVariableWrite(identity: IdentityService, input: { userId: string | null; instanceId: string; names: string[]; task?: TaskRecord }): void {
  const { userId, instanceId, names, task } = input;
  if (task) checkTaskAction(identity, task, userId, { kind: 'complete' });
  else if (identity.authorization.enabled && userId !== null && !identity.isAdmin(userId)) {
    throw AuthorizationError.missing(userId, 'UPDATE_VARIABLE', 'ProcessInstance', instanceId);
  }
  identity.runVariableGuards(instanceId, names, userId);
}
