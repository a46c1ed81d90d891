import type { SqlDatabase, SqlStatement } from './sql-database.js';
import { PortableSql } from './portable-sql.js';
import type {
  ElementData,
  ElementInstanceRecord,
  HistoryRecord,
  IncidentRecord,
  LifecycleState,
  InstanceRecord,
  InstanceState,
  JobRecord,
  TaskRecord,
  VariableRecord,
} from './records.js';
import type { DeferredWrites, EngineStore } from './engine-store.js';
import { InstanceCache, type CachedElementInstance } from './instance-cache.js';
import type { Change, ChangeSet } from './change-set.js';
import { SubscriptionStore } from './subscription-store.js';
import { CROSS_INSTANCE_KINDS } from './history-entry.js';
import { SuspensionStore } from './suspension-store.js';
import { CompensationStore } from './compensation-store.js';
import { RepositoryStore } from './repository-store.js';
import { DecisionStore } from './decision-store.js';
import { BufferedMessageStore } from './buffered-message-store.js';
import { DiagramLayoutStore } from './diagram-layout-store.js';
import { dialectOf } from './sql-database.js';
import { InstanceRevisions } from './postgres/multi-node-revisions.js';
import { HistorySeqNumbers } from './postgres/multi-node-history.js';
import { WrittenWork } from './postgres/multi-node-work.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/**
 * The statements the runtime executes on every step, prepared once at open.
 * Everything here runs inside the caller's transaction.
 */
export class RuntimeStore implements EngineStore {
  private readonly s;
  /** active instances' state, written through (see InstanceCache) */
  private readonly cache: InstanceCache;
  /** PostgreSQL only (several engine nodes): the revision check of instances; undefined on SQLite */
  private readonly revisions: InstanceRevisions | undefined;
  /** PostgreSQL only: history seq numbers from a database sequence shared by the nodes */
  private readonly historySeqNumbers: HistorySeqNumbers | undefined;
  /** PostgreSQL only: what the batch wrote that other nodes should hear about after the commit */
  private readonly written: WrittenWork | undefined;

  constructor(readonly db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    const multiNode = dialectOf(db) === 'postgres';
    this.cache = multiNode ? new InstanceCache(undefined, undefined, false) : new InstanceCache();
    this.revisions = multiNode ? new InstanceRevisions(db, (id) => this.cache.ended(id)) : undefined;
    this.historySeqNumbers = multiNode ? new HistorySeqNumbers(db) : undefined;
    this.written = multiNode ? new WrittenWork() : undefined;
    this.s = {
      insertInstance: p(`INSERT INTO instances (id, definition_id, definition_key, business_key, state, parent_instance_id,
        parent_element_instance_id, started_at, start_element_id) VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?)`),
      getInstance: p(`SELECT * FROM instances WHERE id = ?`),
      endInstance: p(`UPDATE instances SET state = ?, ended_at = ?, end_element_id = ? WHERE id = ?`),

      // ORDER BY rowid is free on SQLite (the index holds it) and keeps PostgreSQL's order the same: insertion order
      elementInstancesOf: p(`SELECT * FROM element_instances WHERE instance_id = ? ORDER BY rowid`),
      insertElementInstance: p(`INSERT INTO element_instances (id, instance_id, parent_id, element_id, state, data, started_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      updateElementInstance: p(`UPDATE element_instances SET state = ?, data = ? WHERE id = ?`),
      deleteElementInstance: p(`DELETE FROM element_instances WHERE id = ?`),

      variablesOf: p(`SELECT scope_id, name, type, value FROM variables WHERE instance_id = ? ORDER BY scope_id, name`),
      upsertVariable: p(`INSERT INTO variables (scope_id, name, instance_id, type, value) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (scope_id, name) DO UPDATE SET type = excluded.type, value = excluded.value`),
      deleteVariable: p(`DELETE FROM variables WHERE scope_id = ? AND name = ?`),

      // positional parameters: binding them is cheaper than binding by name, and this runs for every job
      insertJob: p(`INSERT INTO jobs (id, kind, instance_id, element_instance_id, element_id, definition_id, definition_key, topic,
        due_at, lock_owner, lock_expires_at, retries, attempts, priority, payload, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getJob: p(`SELECT * FROM jobs WHERE id = ?`),
      // several nodes: the job a command acts on is locked until it commits, so a completion, a
      // failure and a lock see the committed truth and a second node's command waits for this one
      getJobForUpdate: multiNode ? p(`SELECT * FROM jobs WHERE id = ? FOR UPDATE`) : undefined,
      deleteJob: p(`DELETE FROM jobs WHERE id = ?`),
      jobsOfElementInstance: p(`SELECT * FROM jobs WHERE instance_id = ? AND element_instance_id = ? ORDER BY rowid`),
      jobsOfInstance: p(`SELECT id FROM jobs WHERE instance_id = ? ORDER BY rowid`),
      lockJob: p(`UPDATE jobs SET lock_owner = ?, lock_expires_at = ? WHERE id = ?`),
      failJob: p(`UPDATE jobs SET retries = ?, attempts = attempts + 1, due_at = ?, lock_owner = NULL, lock_expires_at = NULL,
        error_message = ?, error_details = ? WHERE id = ?`),
      setJobRetries: p(`UPDATE jobs SET retries = ?, due_at = ?, lock_owner = NULL, lock_expires_at = NULL WHERE id = ?`),
      updateJobPayload: p(`UPDATE jobs SET payload = ?, due_at = ?, lock_owner = NULL, lock_expires_at = NULL WHERE id = ?`),

      insertTask: p(`INSERT INTO tasks (id, instance_id, element_instance_id, element_id, definition_id, definition_key, name, assignee,
        candidate_groups, candidate_users, form_key, form_ref, priority, due_at, follow_up_at, created_at)
        VALUES (@id, @instanceId, @elementInstanceId, @elementId, @definitionId, @definitionKey, @name, @assignee,
        @candidateGroups, @candidateUsers, @formKey, @formRef, @priority, @dueAt, @followUpAt, @createdAt)`),
      insertCandidate: p(`INSERT OR IGNORE INTO task_candidates (kind, value, task_id) VALUES (?, ?, ?)`),
      getTask: p(`SELECT * FROM tasks WHERE id = ?`),
      taskOfElementInstance: p(`SELECT * FROM tasks WHERE element_instance_id = ?`),
      deleteTask: p(`DELETE FROM tasks WHERE id = ?`),
      deleteCandidates: p(`DELETE FROM task_candidates WHERE task_id = ?`),
      setAssignee: p(`UPDATE tasks SET assignee = ? WHERE id = ?`),

      insertIncident: p(`INSERT INTO incidents (id, type, instance_id, definition_id, element_instance_id, element_id, job_id, message, created_at)
        VALUES (@id, @type, @instanceId, @definitionId, @elementInstanceId, @elementId, @jobId, @message, @createdAt)`),
      getIncident: p(`SELECT * FROM incidents WHERE id = ?`),
      incidentsOfJob: p(`SELECT * FROM incidents WHERE job_id = ? ORDER BY rowid`),
      incidentsOfElementInstance: p(`SELECT * FROM incidents WHERE element_instance_id = ? ORDER BY rowid`),
      deleteIncident: p(`DELETE FROM incidents WHERE id = ?`),
      deleteIncidentsOfElementInstance: p(`DELETE FROM incidents WHERE element_instance_id = ?`),
      deleteIncidentsOfJob: p(`DELETE FROM incidents WHERE job_id = ?`),
      deleteJobsOfInstance: p(`DELETE FROM jobs WHERE instance_id = ?`),
      deleteIncidentsOfElementInstanceJobs: p(`DELETE FROM incidents WHERE job_id IN
        (SELECT id FROM jobs WHERE instance_id = ? AND element_instance_id = ? AND (? = 0 OR kind != 'task'))`),
      deleteJobsOfElementInstance: p(`DELETE FROM jobs WHERE instance_id = ? AND element_instance_id = ? AND (? = 0 OR kind != 'task')`),
      releaseEngineLocks: p(`UPDATE jobs SET lock_owner = NULL, lock_expires_at = NULL WHERE lock_owner LIKE 'engine:%'`),

      lastHistoryRow: p(`SELECT max(seq) AS seq FROM history_rows`),
      lastHistoryStep: p(`SELECT first_seq + ${new PortableSql(db).jsonArrayLength('entries')} - 1 AS seq
        FROM history_steps ORDER BY first_seq DESC LIMIT 1`),

    };
  }

  private insertInstance(r: InstanceRecord): void {
    this.s.insertInstance.run(r.id, r.definitionId, r.definitionKey, r.businessKey, r.parentInstanceId, r.parentElementInstanceId, r.startedAt, r.startElementId);
    this.revisions?.created(r.id);
    this.cache.created(r);
  }

  /** From the cache when the instance is in it; a miss does not fill it (queries read many instances once). */
  getInstance(id: string): InstanceRecord | undefined {
    this.revisions?.seen(id);
    const cached = this.cache.instance(id);
    if (cached) return cached;
    const row: Row = this.s.getInstance.get(id);
    return row && toInstance(row);
  }

  private endInstance(id: string, state: InstanceState, at: number, endElementId: string | null): void {
    this.s.endInstance.run(state, at, endElementId, id);
    this.cache.ended(id);
  }

  /** A step loads an instance's state: from here on the instance is cached until it ends. */
  elementInstancesOf(instanceId: string): ElementInstanceRecord[] {
    this.revisions?.seen(instanceId);
    let rows = this.cache.elementInstances(instanceId);
    if (!rows) {
      const instance = this.cache.instance(instanceId) ?? this.getInstance(instanceId);
      if (instance?.state === 'active') this.cache.loaded(instance);
      rows = (this.s.elementInstancesOf.all(instanceId) as Row[]).map(toCachedElementInstance);
      this.cache.elementInstancesLoaded(instanceId, rows);
    }
    return rows.map(parsedElementInstance);
  }

  private insertElementInstance(r: ElementInstanceRecord): void {
    const data = encodeData(r.data);
    this.s.insertElementInstance.run(r.id, r.instanceId, r.parentId, r.elementId, r.state, data, r.startedAt);
    this.cache.elementInstanceWritten({ id: r.id, instanceId: r.instanceId, parentId: r.parentId, elementId: r.elementId, state: r.state, data, startedAt: r.startedAt });
  }

  private updateElementInstance(instanceId: string, id: string, state: LifecycleState, data: ElementData): void {
    const json = encodeData(data);
    this.s.updateElementInstance.run(state, json, id);
    this.cache.elementInstanceUpdated(instanceId, id, { state, data: json });
  }

  private deleteElementInstance(instanceId: string, id: string): void {
    this.s.deleteElementInstance.run(id);
    this.cache.elementInstanceDeleted(instanceId, id);
  }

  variablesOf(instanceId: string): VariableRecord[] {
    this.revisions?.seen(instanceId);
    const cached = this.cache.variables(instanceId);
    if (cached) return cached;
    const rows = (this.s.variablesOf.all(instanceId) as Row[]).map((row) => ({ scopeId: row.scope_id, name: row.name, type: row.type, value: row.value }));
    this.cache.variablesLoaded(instanceId, rows);
    return rows;
  }

  private upsertVariable(instanceId: string, scopeId: string, name: string, type: string, value: string | null): void {
    this.s.upsertVariable.run(scopeId, name, instanceId, type, value);
    this.cache.variableWritten(instanceId, { scopeId, name, type, value });
  }

  private deleteVariable(instanceId: string, scopeId: string, name: string): void {
    this.s.deleteVariable.run(scopeId, name);
    this.cache.variableDeleted(instanceId, scopeId, name);
  }

  private insertJob(job: JobRecord): void {
    this.s.insertJob.run(job.id, job.kind, job.instanceId, job.elementInstanceId, job.elementId, job.definitionId, job.definitionKey, job.topic,
      job.dueAt, job.lockOwner, job.lockExpiresAt, job.retries, job.attempts, job.priority, job.payload, job.createdAt);
    this.cache.jobWritten(job);
  }

  /** From the cache when the job belongs to an instance started since the engine opened. */
  getJob(id: string): JobRecord | undefined {
    const cached = this.cache.job(id);
    if (cached) return cached;
    const row: Row = this.s.getJobForUpdate && this.db.inTransaction ? this.s.getJobForUpdate.get(id) : this.s.getJob.get(id);
    return row && toJob(row);
  }

  jobsOfElementInstance(instanceId: string, elementInstanceId: string): JobRecord[] {
    return (this.s.jobsOfElementInstance.all(instanceId, elementInstanceId) as Row[]).map(toJob);
  }

  jobIdsOfInstance(instanceId: string): string[] {
    return (this.s.jobsOfInstance.all(instanceId) as Row[]).map((row) => row.id);
  }

  private deleteJob(id: string): void {
    this.s.deleteJob.run(id);
    this.cache.jobDeleted(id);
  }

  private lockJob(id: string, owner: string | null, expiresAt: number | null): void {
    this.s.lockJob.run(owner, expiresAt, id);
    this.cache.jobUpdated(id, { lockOwner: owner, lockExpiresAt: expiresAt });
  }

  private failJob(id: string, retries: number, dueAt: number, message: string | null, details: string | null): void {
    this.s.failJob.run(retries, dueAt, message, details, id);
    const attempts = this.cache.job(id)?.attempts;
    if (attempts !== undefined) {
      this.cache.jobUpdated(id, { retries, attempts: attempts + 1, dueAt, lockOwner: null, lockExpiresAt: null, errorMessage: message, errorDetails: details });
    }
  }

  private setJobRetries(id: string, retries: number, dueAt: number): void {
    this.s.setJobRetries.run(retries, dueAt, id);
    this.cache.jobUpdated(id, { retries, dueAt, lockOwner: null, lockExpiresAt: null });
  }

  private rescheduleJob(id: string, payload: string | null, dueAt: number): void {
    this.s.updateJobPayload.run(payload, dueAt, id);
    this.cache.jobUpdated(id, { payload, dueAt, lockOwner: null, lockExpiresAt: null });
  }

  private insertTask(task: TaskRecord): void {
    this.s.insertTask.run({
      ...task,
      candidateGroups: task.candidateGroups.join(',') || null,
      candidateUsers: task.candidateUsers.join(',') || null,
    });
    for (const group of task.candidateGroups) this.s.insertCandidate.run('group', group, task.id);
    for (const user of task.candidateUsers) this.s.insertCandidate.run('user', user, task.id);
  }

  getTask(id: string): TaskRecord | undefined {
    const row: Row = this.s.getTask.get(id);
    return row && toTask(row);
  }

  taskOfElementInstance(elementInstanceId: string): TaskRecord | undefined {
    const row: Row = this.s.taskOfElementInstance.get(elementInstanceId);
    return row && toTask(row);
  }

  private deleteTask(id: string): void {
    this.s.deleteTask.run(id);
    this.s.deleteCandidates.run(id);
  }

  private setAssignee(id: string, assignee: string | null): void {
    this.s.setAssignee.run(assignee, id);
  }

  private insertIncident(incident: IncidentRecord): void {
    this.s.insertIncident.run(incident);
  }

  getIncident(id: string): IncidentRecord | undefined {
    const row: Row = this.s.getIncident.get(id);
    return row && toIncident(row);
  }

  incidentsOfJob(jobId: string): IncidentRecord[] {
    return (this.s.incidentsOfJob.all(jobId) as Row[]).map(toIncident);
  }

  incidentsOfElementInstance(elementInstanceId: string): IncidentRecord[] {
    return (this.s.incidentsOfElementInstance.all(elementInstanceId) as Row[]).map(toIncident);
  }

  private deleteIncident(id: string): void {
    this.s.deleteIncident.run(id);
  }

  /**
   * Applies one command's change set, in order, inside the caller's transaction: the only way
   * the runtime writes. History rows join the batch's buffer (see `history`).
   */
  apply(changes: ChangeSet): void {
    if (this.revisions) return this.applyClaimed(changes.take(), this.revisions);
    for (const change of changes.take()) this.applyOne(change);
  }

  /** Several nodes: claim every instance the command read or changes (revision check), then write. */
  private applyClaimed(list: Change[], revisions: InstanceRevisions): void {
    for (const change of list) {
      const instanceId = instanceStateChanged(change);
      if (instanceId !== null) revisions.changed(instanceId);
    }
    revisions.claimPending();
    for (const change of list) {
      this.written!.note(change);
      this.applyOne(change);
    }
  }

  /** Several nodes: the kinds of work written since the last call (see WrittenWork); always empty on SQLite. */
  takeWrittenWork(): string[] {
    return this.written?.take() ?? [];
  }

  private applyOne(change: Change): void {
    const subscriptions = this.subscriptions;
    switch (change.kind) {
      case 'insertInstance':
        return this.insertInstance(change.instance);
      case 'endInstance':
        // an ended instance compensates nothing any more (no statement when it is known to hold nothing)
        if (!this.cache.holdsNoCompensations(change.id)) this.compensations.deleteOfInstance(change.id);
        return this.endInstance(change.id, change.state, change.at, change.endElementId);
      case 'insertElementInstance':
        return this.insertElementInstance(change.record);
      case 'updateElementInstance':
        return this.updateElementInstance(change.instanceId, change.id, change.state, change.data);
      case 'deleteElementInstance':
        return this.deleteElementInstance(change.instanceId, change.id);
      case 'upsertVariable':
        return this.upsertVariable(change.instanceId, change.scopeId, change.name, change.type, change.value);
      case 'deleteVariable':
        return this.deleteVariable(change.instanceId, change.scopeId, change.name);
      case 'insertJob':
        return this.insertJob(change.job);
      case 'insertSignalJob': {
        // the high-water mark is read now, after every subscription opened before the throw was written
        const payload = { type: 'signal', name: change.signal.name, maxSeq: subscriptions.maxSeq(), ...(change.signal.variables ? { variables: change.signal.variables } : {}) };
        return this.insertJob({ ...change.job, payload: JSON.stringify(payload) });
      }
      case 'deleteJob':
        if (change.withIncidents) this.s.deleteIncidentsOfJob.run(change.id);
        return this.deleteJob(change.id);
      case 'deleteJobsOfElementInstance': {
        const engineOnly = change.engineJobsOnly ? 1 : 0;
        this.s.deleteIncidentsOfElementInstanceJobs.run(change.instanceId, change.elementInstanceId, engineOnly);
        this.s.deleteJobsOfElementInstance.run(change.instanceId, change.elementInstanceId, engineOnly);
        this.cache.jobsOfElementInstanceDeleted(change.instanceId, change.elementInstanceId, change.engineJobsOnly);
        return;
      }
      case 'deleteJobsOfInstance':
        // an incident on a job is also an incident of its element instance, deleted when that ends
        // (the instance ends only after every element instance did); an instance known to hold
        // no job (the usual end) costs no statement
        if (!this.cache.holdsNoJobs(change.instanceId)) this.s.deleteJobsOfInstance.run(change.instanceId);
        this.cache.jobsOfInstanceDeleted(change.instanceId);
        return;
      case 'deleteScopeTimerJobs':
        return this.deleteJobsWithIncidents(subscriptions.scopeTimerJobs(change.instanceId, change.scopeElementInstanceId, change.elementId));
      case 'deleteStartTimersOfOtherVersions':
        return this.deleteJobsWithIncidents(subscriptions.startTimersOfOtherVersions(change.key, change.tenantId, change.keepDefinitionId));
      case 'lockJob':
        return this.lockJob(change.id, change.owner, change.expiresAt);
      case 'failJob':
        return this.failJob(change.id, change.retries, change.dueAt, change.message, change.details);
      case 'setJobRetries':
        return this.setJobRetries(change.id, change.retries, change.dueAt);
      case 'rescheduleJob':
        return this.rescheduleJob(change.id, change.payload, change.dueAt);
      case 'insertIncident':
        return this.insertIncident(change.incident);
      case 'deleteIncident':
        return this.deleteIncident(change.id);
      case 'deleteIncidentsOfElementInstance':
        this.s.deleteIncidentsOfElementInstance.run(change.elementInstanceId);
        return;
      case 'insertTask':
        return this.insertTask(change.task);
      case 'deleteTask':
        return this.deleteTask(change.id);
      case 'setAssignee':
        return this.setAssignee(change.id, change.assignee);
      case 'insertSubscription':
        return subscriptions.insert(change.subscription);
      case 'deleteSubscriptionsOfElementInstance':
        return subscriptions.deleteOfElementInstance(change.elementInstanceId);
      case 'deleteSubscriptionsOfInstance':
        return subscriptions.deleteOfInstance(change.instanceId);
      case 'deleteScopeSubscriptions':
        return subscriptions.deleteOfScopeElement(change.instanceId, change.scopeElementInstanceId, change.elementId);
      case 'deleteStartSubscriptionsOfOtherVersions':
        return subscriptions.deleteStartsOfOtherVersions(change.key, change.tenantId, change.keepDefinitionId);
      case 'setInstanceSuspension':
        // the cached instance row would keep the old flag
        this.cache.ended(change.instanceId);
        return SuspensionStore.for(this.db).setInstance(change.instanceId, change.suspended, change.releaseLocksOf);
      case 'setDefinitionSuspension':
        return SuspensionStore.for(this.db).setDefinition(change.definitionId, change.suspended);
      case 'insertCompensation':
        this.cache.compensationWritten(change.record.instanceId);
        return this.compensations.insert(change.record);
      case 'deleteCompensation':
        return this.compensations.delete(change.id);
      case 'history':
        this.pendingHistory.push(change.row);
        return;
      case 'insertDecisionInstances':
        return this.others.decisions.insertInstances(change.records);
      case 'insertBufferedMessage':
        return this.bufferedMessages.insert(change.message, change.now);
      case 'reserveBufferedMessage':
        return this.bufferedMessages.reserve(change.row, change.subscriptionId);
      case 'releaseBufferedMessage':
        return this.bufferedMessages.release(change.row);
      case 'deleteBufferedMessage':
        return this.bufferedMessages.remove(change.row);
      case 'insertDeployment':
        return this.others.repository.insertDeployment(change.deployment);
      case 'insertResource':
        return this.others.repository.insertResource(change.resource, change.content);
      case 'insertDefinition':
        return this.others.repository.insertDefinition(change.definition, change.graph);
      case 'insertDecisionDefinition':
        return this.others.decisions.insertDefinition(change.definition, change.graph);
      case 'deleteDeployment':
        this.others.repository.deleteDeployment(change.deploymentId);
        return this.others.decisions.deleteOfDeployment(change.deploymentId);
      case 'insertDiagramLayout':
        return this.others.layouts.put(change.definitionId, change.xml, change.at);
      case 'releaseEngineLocks':
        this.s.releaseEngineLocks.run();
        // cached jobs may hold those locks (it runs at open, when little is cached)
        this.cache.clear();
        return;
      default: {
        const unknown: never = change;
        throw new Error(`Unknown change ${JSON.stringify(unknown)}`);
      }
    }
  }

  private deleteJobsWithIncidents(ids: readonly string[]): void {
    for (const id of ids) {
      this.s.deleteIncidentsOfJob.run(id);
      this.deleteJob(id);
    }
  }

  /** The other tables a change set writes (deployments, decisions, layouts), prepared on first use. */
  private othersPrepared?: { repository: RepositoryStore; decisions: DecisionStore; layouts: DiagramLayoutStore };

  private get others(): { repository: RepositoryStore; decisions: DecisionStore; layouts: DiagramLayoutStore } {
    return (this.othersPrepared ??= { repository: new RepositoryStore(this.db), decisions: new DecisionStore(this.db), layouts: new DiagramLayoutStore(this.db) });
  }

  get subscriptions(): SubscriptionStore {
    return SubscriptionStore.for(this.db);
  }

  get repository(): RepositoryStore {
    return this.others.repository;
  }

  get compensations(): CompensationStore {
    return CompensationStore.for(this.db);
  }

  get bufferedMessages(): BufferedMessageStore {
    return BufferedMessageStore.for(this.db);
  }

  /**
   * History entries are appended to a buffer and written by `history.flush()` once per
   * group-committed batch, just before the commit (the command loop calls it). History is the
   * engine's busiest table and a row costs about the same whatever its size, so the entries one
   * step writes for its instance go into one `history_steps` row (the `history` view lists them
   * one by one, as before); only the kinds queried across instances get a `history_rows` row each.
   * Every entry gets its place in one sequence (`seq`) here, in the order it was recorded.
   */
  private readonly pendingHistory: HistoryRecord[] = [];
  /** the next history seq; undefined until read from the tables (again after a rollback) */
  private historySeq: number | undefined;

  readonly history: DeferredWrites = {
    mark: () => this.pendingHistory.length,
    // a rolled-back command or batch also leaves the instance cache holding writes that never happened
    rollback: (mark) => {
      this.pendingHistory.length = mark;
      this.cache.clear();
      this.revisions?.clear();
    },
    clear: () => {
      this.pendingHistory.length = 0;
      this.historySeq = undefined;
      this.cache.clear();
      this.revisions?.clear();
    },
    flush: () => {
      this.writeHistory(this.pendingHistory);
      this.pendingHistory.length = 0;
      // the batch commits next: its claims on instances end with its transaction
      this.revisions?.transactionEnded();
    },
  };

  private writeHistory(entries: readonly HistoryRecord[]): void {
    if (entries.length === 0) return;
    // several nodes: every entry draws its number from a shared sequence (see HistorySeqNumbers)
    const drawn = this.historySeqNumbers?.take(entries.length);
    let next = 0;
    let seq = drawn ? 0 : this.historySeq ?? this.lastHistorySeq() + 1;
    const steps: unknown[] = [];
    const rows: unknown[] = [];
    let i = 0;
    while (i < entries.length) {
      const first = entries[i]!;
      if (CROSS_INSTANCE_KINDS.has(first.kind)) {
        rows.push(drawn ? drawn[next++] : seq++, first.instanceId, first.kind, first.elementInstanceId ?? null, first.elementId ?? null, first.elementType ?? null,
          first.startedAt ?? null, first.at, first.actor ?? null, first.data ?? null);
        i++;
        continue;
      }
      // the run of entries of this instance that share a row (numbered first_seq + n: drawn numbers must not jump)
      const packed: unknown[][] = [];
      const firstSeq = drawn ? drawn[next]! : seq;
      while (i < entries.length && packed.length < MAX_ENTRIES_PER_STEP_ROW) {
        const h = entries[i]!;
        if (h.instanceId !== first.instanceId || CROSS_INSTANCE_KINDS.has(h.kind)) break;
        if (drawn && drawn[next + packed.length] !== firstSeq + packed.length) break;
        packed.push([h.kind, h.elementInstanceId ?? null, h.elementId ?? null, h.elementType ?? null, h.startedAt ?? null, h.at, h.actor ?? null, h.data ?? null]);
        i++;
      }
      steps.push(firstSeq, first.instanceId, JSON.stringify(packed));
      seq += packed.length;
      next += packed.length;
    }
    if (!drawn) this.historySeq = seq;
    this.insertMany('history_steps (first_seq, instance_id, entries)', 3, steps);
    this.insertMany('history_rows (seq, instance_id, kind, element_instance_id, element_id, element_type, started_at, at, actor, data)', 10, rows);
  }

  /** The highest seq of either history table (0 for none). */
  private lastHistorySeq(): number {
    const row = this.s.lastHistoryRow.get() as Row;
    const step = this.s.lastHistoryStep.get() as Row;
    return Math.max(row?.seq ?? 0, step?.seq ?? 0);
  }

  /** Multi-row INSERTs of `columns` values per row, at most MAX_ROWS_PER_INSERT rows each. */
  private insertMany(target: string, columns: number, values: unknown[]): void {
    const total = values.length / columns;
    for (let offset = 0; offset < total; offset += MAX_ROWS_PER_INSERT) {
      const count = Math.min(MAX_ROWS_PER_INSERT, total - offset);
      const slice = count === total ? values : values.slice(offset * columns, (offset + count) * columns);
      this.multiInsert(target, columns, count).run(slice);
    }
  }

  private readonly multiInserts = new Map<string, SqlStatement>();

  private multiInsert(target: string, columns: number, rows: number): SqlStatement {
    const key = `${target}/${rows}`;
    let statement = this.multiInserts.get(key);
    if (!statement) {
      const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
      statement = this.db.prepare(`INSERT INTO ${target} VALUES ${Array.from({ length: rows }, () => row).join(', ')}`);
      this.multiInserts.set(key, statement);
    }
    return statement;
  }
}

/** The instance whose own state (element instances, variables, end) a change writes, if any. */
function instanceStateChanged(change: Change): string | null {
  switch (change.kind) {
    case 'insertElementInstance':
      return change.record.instanceId;
    case 'updateElementInstance':
    case 'deleteElementInstance':
    case 'upsertVariable':
    case 'deleteVariable':
      return change.instanceId;
    case 'endInstance':
      return change.id;
    case 'setInstanceSuspension':
      return change.instanceId;
    default:
      return null;
  }
}

const MAX_ROWS_PER_INSERT = 32;
/** a step that writes more entries than this (a wide multi-instance) spreads them over several rows */
const MAX_ENTRIES_PER_STEP_ROW = 256;

function encodeData(data: ElementData): string | null {
  for (const _ in data) return JSON.stringify(data);
  return null;
}

export function toInstance(row: Row): InstanceRecord {
  return {
    id: row.id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    businessKey: row.business_key,
    state: row.state,
    parentInstanceId: row.parent_instance_id,
    parentElementInstanceId: row.parent_element_instance_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    startElementId: row.start_element_id,
    endElementId: row.end_element_id,
    ...(row.suspended === 1 ? { suspended: true } : {}),
  };
}

function toCachedElementInstance(row: Row): CachedElementInstance {
  return {
    id: row.id,
    instanceId: row.instance_id,
    parentId: row.parent_id,
    elementId: row.element_id,
    state: row.state,
    data: row.data,
    startedAt: row.started_at,
  };
}

export function toElementInstance(row: Row): ElementInstanceRecord {
  return parsedElementInstance(toCachedElementInstance(row));
}

/** A cached row with its data parsed (a fresh object the caller may change). */
function parsedElementInstance(row: CachedElementInstance): ElementInstanceRecord {
  return {
    id: row.id,
    instanceId: row.instanceId,
    parentId: row.parentId,
    elementId: row.elementId,
    state: row.state,
    data: row.data ? JSON.parse(row.data) : {},
    startedAt: row.startedAt,
  };
}

export function toJob(row: Row): JobRecord {
  return {
    id: row.id,
    kind: row.kind,
    instanceId: row.instance_id,
    elementInstanceId: row.element_instance_id,
    elementId: row.element_id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    topic: row.topic,
    dueAt: row.due_at,
    lockOwner: row.lock_owner,
    lockExpiresAt: row.lock_expires_at,
    retries: row.retries,
    attempts: row.attempts,
    priority: row.priority,
    errorMessage: row.error_message,
    errorDetails: row.error_details,
    payload: row.payload,
    createdAt: row.created_at,
    ...(row.suspended === 1 ? { suspended: true } : {}),
  };
}

export function toTask(row: Row): TaskRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    elementInstanceId: row.element_instance_id,
    elementId: row.element_id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    name: row.name,
    assignee: row.assignee,
    candidateGroups: row.candidate_groups ? row.candidate_groups.split(',') : [],
    candidateUsers: row.candidate_users ? row.candidate_users.split(',') : [],
    formKey: row.form_key,
    formRef: row.form_ref,
    priority: row.priority,
    dueAt: row.due_at,
    followUpAt: row.follow_up_at,
    createdAt: row.created_at,
    ...(row.suspended === 1 ? { suspended: true } : {}),
  };
}

export function toIncident(row: Row): IncidentRecord {
  return {
    id: row.id,
    type: row.type,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    elementInstanceId: row.element_instance_id,
    elementId: row.element_id,
    jobId: row.job_id,
    message: row.message,
    createdAt: row.created_at,
  };
}
