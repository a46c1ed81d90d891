import type {
  CompensationRecord,
  ElementData,
  ElementInstanceRecord,
  HistoryRecord,
  IncidentRecord,
  InstanceRecord,
  InstanceState,
  JobRecord,
  LifecycleState,
  SubscriptionRecord,
  TaskRecord,
  DefinitionRecord,
  DeploymentRecord,
  ResourceRecord,
} from './records.js';
import type { DecisionDefinitionRecord, DecisionInstanceRecord } from './decision-store.js';
import type { BufferedMessage } from './buffered-message-store.js';

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
  | { kind: 'insertCompensation'; record: CompensationRecord }
  | { kind: 'deleteCompensation'; id: string }
  | { kind: 'history'; row: HistoryRecord }
  /** the audit rows of one decision evaluation (the decision asked for and the ones it required) */
  | { kind: 'insertDecisionInstances'; records: DecisionInstanceRecord[] }
  /** Camunda 8's message buffer: expired messages go, then this one waits for a subscription */
  | { kind: 'insertBufferedMessage'; message: Omit<BufferedMessage, 'row' | 'takenBy'>; now: number }
  /** a buffered message is held for a subscription that opened (a continuation delivers it) */
  | { kind: 'reserveBufferedMessage'; row: number; subscriptionId: string }
  | { kind: 'releaseBufferedMessage'; row: number }
  | { kind: 'deleteBufferedMessage'; row: number }
  | { kind: 'insertDeployment'; deployment: DeploymentRecord }
  | { kind: 'insertResource'; resource: ResourceRecord; content: Buffer }
  | { kind: 'insertDefinition'; definition: DefinitionRecord; graph: string }
  | { kind: 'insertDecisionDefinition'; definition: DecisionDefinitionRecord; graph: string }
  /** a deployment with its resources, process and decision definitions, start jobs, start subscriptions and diagram layouts */
  | { kind: 'deleteDeployment'; deploymentId: string }
  /** a laid-out copy of a diagram deployed without diagram interchange (a racing copy keeps the first) */
  | { kind: 'insertDiagramLayout'; definitionId: string; xml: string; at: number }
  /** at open: the engine that held these locks is gone (the file lock proves it) */
  | { kind: 'releaseEngineLocks' };

/** no follow-ups asked for (shared: nobody changes it) */
const NONE: readonly string[] = Object.freeze([]);

/**
 * Everything one command changes, in the order it changed it (cf. diagram-js's CommandStack:
 * one place applies changes). Reads inside the command go to the store; the only read that must
 * see changes not yet applied — a user task created and ended within one step — is answered here.
 */
export class ChangeSet {
  private readonly list: Change[] = [];
  // made on first use: every command has a change set, few touch user tasks or buffered messages
  private newTasks: Map<string, TaskRecord> | undefined;
  private deletedTasks: Set<string> | undefined;
  private reservedMessages: Set<number> | undefined;
  /** continuation jobs written by this command that it runs itself before it commits (runtime/events/follow-ups.ts) */
  private readonly followUpJobs: string[] = [];

  add(change: Change): void {
    this.list.push(change);
    if (change.kind === 'insertTask') (this.newTasks ??= new Map()).set(change.task.elementInstanceId, change.task);
    else if (change.kind === 'deleteTask') (this.deletedTasks ??= new Set()).add(change.id);
    else if (change.kind === 'reserveBufferedMessage') (this.reservedMessages ??= new Set()).add(change.row);
  }

  history(row: HistoryRecord): void {
    this.list.push({ kind: 'history', row });
  }

  get size(): number {
    return this.list.length;
  }

  /** The task of an element instance as this change set leaves it: created here, deleted here, or unknown (ask the store). */
  taskOfElementInstance(elementInstanceId: string): TaskRecord | null | undefined {
    const task = this.newTasks?.get(elementInstanceId);
    if (task) return this.deletedTasks?.has(task.id) ? null : task;
    return undefined;
  }

  isTaskDeleted(taskId: string): boolean {
    return this.deletedTasks?.has(taskId) ?? false;
  }

  /** A buffered message reserved earlier in this change set (a second subscription must not take it too). */
  isBufferedMessageReserved(row: number): boolean {
    return this.reservedMessages?.has(row) ?? false;
  }

  /**
   * Asks for a continuation job written in this change set to run inside this same command (a
   * called instance ended: its caller continues; a signal was thrown: it reaches its receivers).
   * The job row stays the durable truth: a follow-up whose job was rolled back or withdrawn is skipped.
   */
  followUp(jobId: string): void {
    this.followUpJobs.push(jobId);
  }

  /** The follow-ups asked for since the last call, oldest first. */
  takeFollowUps(): readonly string[] {
    return this.followUpJobs.length === 0 ? NONE : this.followUpJobs.splice(0, this.followUpJobs.length);
  }

  /** Hands the changes to the store and starts empty again. */
  take(): Change[] {
    const taken = this.list.splice(0, this.list.length);
    this.newTasks?.clear();
    this.deletedTasks?.clear();
    this.reservedMessages?.clear();
    return taken;
  }

  /** A position to roll back to (a receiver of a broadcast that fails loses only its own changes). */
  mark(): number {
    return this.list.length;
  }

  rollback(mark: number): void {
    for (const change of this.list.splice(mark)) {
      if (change.kind === 'insertTask') this.newTasks?.delete(change.task.elementInstanceId);
      else if (change.kind === 'deleteTask') this.deletedTasks?.delete(change.id);
      else if (change.kind === 'reserveBufferedMessage') this.reservedMessages?.delete(change.row);
    }
  }
}
