import type {
  ElementData,
  ElementInstanceRecord,
  HistoryRecord,
  IncidentRecord,
  InstanceRecord,
  InstanceState,
  JobRecord,
  SubscriptionRecord,
  TaskRecord,
} from './records.js';
import type { LifecycleState } from '../runtime/lifecycle.js';

/**
 * One write a command makes. A command never writes to the database itself: it appends changes
 * to the change set the command loop gave it, and the store applies them, in order, inside the
 * command's transaction. Deletes are by id or by owner ("the jobs of this element instance"), so
 * a change set stays correct when something created earlier in it is withdrawn later in it.
 */
export type Change =
  | { kind: 'insertInstance'; instance: InstanceRecord }
  | { kind: 'endInstance'; id: string; state: InstanceState; at: number; endElementId: string | null }
  | { kind: 'insertElementInstance'; record: ElementInstanceRecord }
  | { kind: 'updateElementInstance'; instanceId: string; id: string; state: LifecycleState; data: ElementData }
  | { kind: 'deleteElementInstance'; instanceId: string; id: string }
  | { kind: 'upsertVariable'; instanceId: string; scopeId: string; name: string; type: string; value: string | null }
  | { kind: 'deleteVariable'; instanceId: string; scopeId: string; name: string }
  | { kind: 'insertJob'; job: JobRecord }
  /** a signal thrown inside a process: the job carries the newest subscription sequence number at the time it is written */
  | { kind: 'insertSignalJob'; job: JobRecord; signal: { name: string; variables?: Record<string, unknown> } }
  /** deleting jobs also deletes the incidents raised on them (`withIncidents: false`: the caller knows there are none) */
  | { kind: 'deleteJob'; id: string; withIncidents: boolean }
  | { kind: 'deleteJobsOfElementInstance'; instanceId: string; elementInstanceId: string; engineJobsOnly: boolean }
  /** the instance ended: its element instances, and the incidents on them, are gone already */
  | { kind: 'deleteJobsOfInstance'; instanceId: string }
  | { kind: 'deleteScopeTimerJobs'; instanceId: string; scopeElementInstanceId: string | null; elementId: string }
  | { kind: 'deleteStartTimersOfOtherVersions'; key: string; tenantId: string | null; keepDefinitionId: string }
  | { kind: 'lockJob'; id: string; owner: string | null; expiresAt: number | null }
  | { kind: 'failJob'; id: string; retries: number; dueAt: number; message: string | null; details: string | null }
  | { kind: 'setJobRetries'; id: string; retries: number; dueAt: number }
  | { kind: 'rescheduleJob'; id: string; payload: string | null; dueAt: number }
  | { kind: 'insertIncident'; incident: IncidentRecord }
  | { kind: 'deleteIncident'; id: string }
  | { kind: 'deleteIncidentsOfElementInstance'; elementInstanceId: string }
  | { kind: 'insertTask'; task: TaskRecord }
  | { kind: 'deleteTask'; id: string }
  | { kind: 'setAssignee'; id: string; assignee: string | null }
  | { kind: 'insertSubscription'; subscription: Omit<SubscriptionRecord, 'seq'> }
  | { kind: 'deleteSubscriptionsOfElementInstance'; elementInstanceId: string }
  | { kind: 'deleteSubscriptionsOfInstance'; instanceId: string }
  | { kind: 'deleteScopeSubscriptions'; instanceId: string; scopeElementInstanceId: string | null; elementId: string }
  | { kind: 'deleteStartSubscriptionsOfOtherVersions'; key: string; tenantId: string | null; keepDefinitionId: string }
  /** Camunda's suspension of an instance (its jobs and tasks follow); activating may release this engine's handler locks */
  | { kind: 'setInstanceSuspension'; instanceId: string; suspended: boolean; releaseLocksOf: string | null }
  /** a definition's suspension (its timer start jobs follow) */
  | { kind: 'setDefinitionSuspension'; definitionId: string; suspended: boolean }
  | { kind: 'history'; row: HistoryRecord };

/**
 * Everything one command changes, in the order it changed it (cf. diagram-js's CommandStack:
 * one place applies changes). Reads inside the command go to the store; the only read that must
 * see changes not yet applied — a user task created and ended within one step — is answered here.
 */
export class ChangeSet {
  private readonly list: Change[] = [];
  private readonly newTasks = new Map<string, TaskRecord>();
  private readonly deletedTasks = new Set<string>();

  add(change: Change): void {
    this.list.push(change);
    if (change.kind === 'insertTask') this.newTasks.set(change.task.elementInstanceId, change.task);
    else if (change.kind === 'deleteTask') this.deletedTasks.add(change.id);
  }

  history(row: HistoryRecord): void {
    this.list.push({ kind: 'history', row });
  }

  get size(): number {
    return this.list.length;
  }

  /** The task of an element instance as this change set leaves it: created here, deleted here, or unknown (ask the store). */
  taskOfElementInstance(elementInstanceId: string): TaskRecord | null | undefined {
    const task = this.newTasks.get(elementInstanceId);
    if (task) return this.deletedTasks.has(task.id) ? null : task;
    return undefined;
  }

  isTaskDeleted(taskId: string): boolean {
    return this.deletedTasks.has(taskId);
  }

  /** Hands the changes to the store and starts empty again. */
  take(): Change[] {
    const taken = this.list.splice(0, this.list.length);
    this.newTasks.clear();
    this.deletedTasks.clear();
    return taken;
  }

  /** A position to roll back to (a receiver of a broadcast that fails loses only its own changes). */
  mark(): number {
    return this.list.length;
  }

  rollback(mark: number): void {
    for (const change of this.list.splice(mark)) {
      if (change.kind === 'insertTask') this.newTasks.delete(change.task.elementInstanceId);
      else if (change.kind === 'deleteTask') this.deletedTasks.delete(change.id);
    }
  }
}
