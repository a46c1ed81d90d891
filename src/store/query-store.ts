import type { SqlDatabase, SqlStatement } from './sql-database.js';
import { PortableSql } from './portable-sql.js';
import { decodeValue, type Variables } from './variables.js';
import type {
  DefinitionRecord,
  DeploymentRecord,
  ElementInstanceRecord,
  IncidentRecord,
  InstanceRecord,
  JobRecord,
  ResourceRecord,
  TaskRecord,
} from './records.js';
import { toDefinition, toDeployment } from './repository-store.js';
import { CROSS_INSTANCE_KINDS, type HistoryKind } from './history-entry.js';
import { toElementInstance, toIncident, toInstance, toJob, toTask } from './runtime-store.js';
import type { Queries } from './queries.js';
import { ExecutionQueries } from './execution-queries.js';
import { CockpitQueries } from './cockpit-queries.js';
import { MetricsQueries } from './metrics-queries.js';
import { dialectOf } from './sql-database.js';
import { SKIP_LOCKED_CANDIDATES } from './postgres/multi-node-jobs.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/** Paging shared by every list query. */
export interface Page {
  firstResult?: number;
  maxResults?: number;
}

export type SortOrder = 'asc' | 'desc';

export interface DeploymentQuery extends Page {
  id?: string;
  name?: string;
  nameLike?: string;
  source?: string;
  tenantId?: string;
  sortBy?: 'id' | 'name' | 'deploymentTime' | 'tenantId';
  sortOrder?: SortOrder;
}

export interface DefinitionQuery extends Page {
  id?: string;
  key?: string;
  keyLike?: string;
  name?: string;
  deploymentId?: string;
  version?: number;
  versionTag?: string;
  latestVersion?: boolean;
  tenantId?: string;
  suspended?: boolean;
  sortBy?: 'id' | 'key' | 'name' | 'version' | 'deploymentId' | 'tenantId' | 'versionTag';
  sortOrder?: SortOrder;
}

export interface InstanceQuery extends Page {
  ids?: string[];
  businessKey?: string;
  businessKeyLike?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  superProcessInstance?: string;
  /** Camunda's `suspended=true` / `active=true` */
  suspended?: boolean;
  /** runtime queries see only active instances; history queries choose */
  state?: 'active' | 'ended' | 'any';
  startedAfter?: number;
  startedBefore?: number;
  finishedAfter?: number;
  finishedBefore?: number;
  /** only instances with (true) or without (false) an open incident */
  withIncidents?: boolean;
  /** how an ended instance ended (history queries) */
  ended?: 'completed' | 'externallyTerminated' | 'internallyTerminated';
  /** Camunda's variable filters: every one must match the variable's latest value (any scope) */
  variables?: VariableFilter[];
  sortBy?: 'instanceId' | 'definitionKey' | 'definitionId' | 'businessKey' | 'startTime' | 'endTime';
  sortOrder?: SortOrder;
}

export type VariableOperator = 'eq' | 'neq' | 'gt' | 'gteq' | 'lt' | 'lteq' | 'like';

/** `name operator value`; the value is compared as a number when it is one, else as text (booleans as true/false). */
export interface VariableFilter {
  name: string;
  operator: VariableOperator;
  value: string | number | boolean | null;
}

const VARIABLE_SQL_OPERATOR: Record<VariableOperator, string> = { eq: '=', neq: '!=', gt: '>', gteq: '>=', lt: '<', lteq: '<=', like: 'LIKE' };

export interface TaskQuery extends Page {
  taskId?: string;
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  taskDefinitionKey?: string;
  assignee?: string;
  unassigned?: boolean;
  assigned?: boolean;
  candidateGroup?: string;
  candidateUser?: string;
  /** with a candidate filter, Camunda leaves out assigned tasks unless this is set */
  includeAssignedTasks?: boolean;
  name?: string;
  nameLike?: string;
  suspended?: boolean;
  sortBy?: 'id' | 'name' | 'assignee' | 'created' | 'dueDate' | 'priority' | 'instanceId' | 'followUpDate';
  sortOrder?: SortOrder;
}

export interface JobQuery extends Page {
  id?: string;
  /** 'task' = work items for handlers and external workers; 'other' = timers and continuations */
  kind?: 'task' | 'other';
  /** only these kinds (Camunda's `timers=true` = timer, `messages=true` = async continuations) */
  kinds?: readonly JobRecord['kind'][];
  topicName?: string;
  workerId?: string;
  locked?: boolean;
  notLocked?: boolean;
  withRetriesLeft?: boolean;
  noRetriesLeft?: boolean;
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  activityId?: string;
  suspended?: boolean;
  now: number;
  sortBy?: 'id' | 'createTime' | 'priority' | 'dueDate' | 'retries' | 'processInstanceId';
  sortOrder?: SortOrder;
}

export interface IncidentQuery extends Page {
  id?: string;
  incidentType?: string;
  processInstanceId?: string;
  processDefinitionId?: string;
  activityId?: string;
  configuration?: string;
  sortBy?: 'incidentId' | 'incidentTimestamp' | 'incidentType' | 'activityId' | 'processInstanceId';
  sortOrder?: SortOrder;
}

export interface HistoryRow {
  seq: number;
  instanceId: string;
  kind: HistoryKind;
  elementInstanceId: string | null;
  elementId: string | null;
  elementType: string | null;
  startedAt: number | null;
  at: number;
  actor: string | null;
  data: string | null;
}

export interface LockCandidateQuery {
  topic: string;
  now: number;
  limit: number;
  businessKey?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  processDefinitionIds?: string[];
  processDefinitionKeys?: string[];
  usePriority: boolean;
}

const TASK_SORT: Record<NonNullable<TaskQuery['sortBy']>, string> = {
  id: 't.id',
  name: 't.name',
  assignee: 't.assignee',
  created: 't.created_at',
  dueDate: 't.due_at',
  followUpDate: 't.follow_up_at',
  priority: 't.priority',
  instanceId: 't.instance_id',
};

const DEPLOYMENT_SORT: Record<NonNullable<DeploymentQuery['sortBy']>, string> = {
  id: 'id',
  name: 'name',
  deploymentTime: 'deployed_at',
  tenantId: 'tenant_id',
};

const DEFINITION_SORT: Record<NonNullable<DefinitionQuery['sortBy']>, string> = {
  id: 'd.id',
  key: 'd.key',
  name: 'd.name',
  version: 'd.version',
  deploymentId: 'd.deployment_id',
  tenantId: 'd.tenant_id',
  versionTag: 'd.version_tag',
};

const INSTANCE_SORT: Record<NonNullable<InstanceQuery['sortBy']>, string> = {
  instanceId: 'i.id',
  definitionKey: 'i.definition_key',
  definitionId: 'i.definition_id',
  businessKey: 'i.business_key',
  startTime: 'i.started_at',
  endTime: 'i.ended_at',
};

const JOB_SORT: Record<NonNullable<JobQuery['sortBy']>, string> = {
  id: 'j.id',
  createTime: 'j.created_at',
  priority: 'j.priority',
  dueDate: 'j.due_at',
  retries: 'j.retries',
  processInstanceId: 'j.instance_id',
};

const INCIDENT_SORT: Record<NonNullable<IncidentQuery['sortBy']>, string> = {
  incidentId: 'id',
  incidentTimestamp: 'created_at',
  incidentType: 'type',
  activityId: 'element_id',
  processInstanceId: 'instance_id',
};

/** below this many tasks a candidate group or user drives the task query */
const SMALL_CANDIDATE_SET = 2000;

const DEFINITION_COLUMNS = 'd.id, d.key, d.version, d.version_tag, d.name, d.deployment_id, d.resource_name, d.sha256, d.tenant_id, d.deployed_at, d.suspended';

/**
 * Read-only queries for the API and the REST layer. They read committed state only: the engine
 * runs every write batch synchronously, so a query never sees half a step.
 *
 * Filtered list queries are assembled from fixed SQL fragments chosen by which filters are set;
 * user values are always bound parameters and sort columns come from whitelists. The prepared
 * statements are cached per shape.
 */
export class QueryStore implements Queries {
  private readonly s;
  private readonly cache = new Map<string, SqlStatement>();
  readonly execution: ExecutionQueries;
  readonly cockpit: CockpitQueries;
  readonly metrics: MetricsQueries;

  private readonly sql: PortableSql;

  constructor(readonly db: SqlDatabase) {
    this.sql = new PortableSql(db);
    this.execution = new ExecutionQueries(db);
    this.cockpit = new CockpitQueries(db);
    this.metrics = new MetricsQueries(db);
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      // orders are spelled out where SQLite's came from its index and PostgreSQL's would not be the same
      scopeVariables: p(`SELECT name, type, value FROM variables WHERE scope_id = ? ORDER BY name`),
      parentOf: p(`SELECT parent_id FROM element_instances WHERE id = ?`),
      elementInstancesOf: p(`SELECT * FROM element_instances WHERE instance_id = ? ORDER BY rowid`),
      elementInstance: p(`SELECT * FROM element_instances WHERE id = ?`),
      incidentsOfInstance: p(`SELECT * FROM incidents WHERE instance_id = ? ORDER BY rowid`),
      historyOfInstance: p(`SELECT * FROM history WHERE instance_id = ? ORDER BY seq`),
      resource: p(`SELECT id, deployment_id, name, sha256 FROM resources WHERE deployment_id = ? AND id = ?`),
      instanceEndKind: p(`SELECT kind, data FROM history WHERE instance_id = ? AND kind IN ('instanceCancelled', 'instanceTerminated', 'instanceCompleted') ORDER BY seq LIMIT 1`),
      startActor: p(`SELECT actor FROM history WHERE instance_id = ? AND kind = 'instanceStarted' ORDER BY seq LIMIT 1`),
      nextTopicDue: p(`SELECT min(CASE WHEN lock_expires_at IS NOT NULL AND lock_expires_at > due_at THEN lock_expires_at ELSE due_at END) AS at
        FROM jobs WHERE kind = 'task' AND topic = ? AND retries > 0 AND suspended = 0`),
      businessKeyOf: p(`SELECT business_key FROM instances WHERE id = ?`),
      definitionVersionTag: p(`SELECT version_tag FROM definitions WHERE id = ?`),
      diagramLayout: p(`SELECT xml FROM diagram_layouts WHERE definition_id = ?`),
    };
  }

  private prepare(sql: string): SqlStatement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.cache.size < 500) this.cache.set(sql, statement);
    }
    return statement;
  }

  // ------------------------------------------------------------ variables (used by the engine)

  /** Variables in one scope (a process instance id for the process level, else an element instance id). */
  scopeVariables(scopeId: string): Variables {
    const result: Variables = Object.create(null);
    for (const row of this.s.scopeVariables.all(scopeId) as Row[]) result[row.name] = decodeValue(row.type, row.value);
    return result;
  }

  processVariables(instanceId: string): Variables {
    return this.scopeVariables(instanceId);
  }

  /** Every variable visible from an element instance, inner scopes shadowing outer ones. */
  visibleVariables(instanceId: string, elementInstanceId: string | null): Variables {
    const chain: string[] = [];
    let current: string | null = elementInstanceId;
    while (current !== null && chain.length < 1000) {
      chain.push(current);
      current = ((this.s.parentOf.get(current) as Row)?.parent_id as string | null) ?? null;
    }
    chain.push(instanceId);
    const result: Variables = Object.create(null);
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(result, this.scopeVariables(chain[i]!));
    return result;
  }

  // ------------------------------------------------------------ repository

  deployments(q: DeploymentQuery): DeploymentRecord[] {
    const { where, params } = this.deploymentWhere(q);
    const order = q.sortBy ? `${this.sql.order(DEPLOYMENT_SORT[q.sortBy], q.sortOrder === 'desc')}, rowid` : 'rowid';
    const sql = `SELECT * FROM deployments${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toDeployment);
  }

  countDeployments(q: DeploymentQuery): number {
    const { where, params } = this.deploymentWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM deployments${where}`).get(...params) as Row).n;
  }

  private deploymentWhere(q: DeploymentQuery) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.id !== undefined) clauses.push('id = ?'), params.push(q.id);
    if (q.name !== undefined) clauses.push('name = ?'), params.push(q.name);
    if (q.nameLike !== undefined) clauses.push(`name LIKE ? ESCAPE '\\'`), params.push(q.nameLike);
    if (q.source !== undefined) clauses.push('source = ?'), params.push(q.source);
    if (q.tenantId !== undefined) clauses.push('tenant_id = ?'), params.push(q.tenantId);
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  resource(deploymentId: string, resourceId: string): ResourceRecord | undefined {
    const row: Row = this.s.resource.get(deploymentId, resourceId);
    return row && { id: row.id, deploymentId: row.deployment_id, name: row.name, sha256: row.sha256 };
  }

  definitions(q: DefinitionQuery): DefinitionRecord[] {
    const { where, params } = this.definitionWhere(q);
    const order = q.sortBy ? `${this.sql.order(DEFINITION_SORT[q.sortBy], q.sortOrder === 'desc')}, d.rowid` : 'd.rowid';
    const sql = `SELECT ${DEFINITION_COLUMNS} FROM definitions d${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toDefinition);
  }

  countDefinitions(q: DefinitionQuery): number {
    const { where, params } = this.definitionWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM definitions d${where}`).get(...params) as Row).n;
  }

  private definitionWhere(q: DefinitionQuery) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.id !== undefined) clauses.push('d.id = ?'), params.push(q.id);
    if (q.key !== undefined) clauses.push('d.key = ?'), params.push(q.key);
    if (q.keyLike !== undefined) clauses.push(`d.key LIKE ? ESCAPE '\\'`), params.push(q.keyLike);
    if (q.name !== undefined) clauses.push('d.name = ?'), params.push(q.name);
    if (q.deploymentId !== undefined) clauses.push('d.deployment_id = ?'), params.push(q.deploymentId);
    if (q.version !== undefined) clauses.push('d.version = ?'), params.push(q.version);
    if (q.versionTag !== undefined) clauses.push('d.version_tag = ?'), params.push(q.versionTag);
    if (q.tenantId !== undefined) clauses.push('d.tenant_id = ?'), params.push(q.tenantId);
    if (q.suspended !== undefined) clauses.push('d.suspended = ?'), params.push(q.suspended ? 1 : 0);
    if (q.latestVersion) {
      clauses.push(`d.version = (SELECT max(d2.version) FROM definitions d2 WHERE d2.key = d.key AND ifnull(d2.tenant_id, '') = ifnull(d.tenant_id, ''))`);
    }
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** Definitions by id in one query (for history rows that name their definition). */
  definitionsById(ids: Iterable<string>): Map<string, DefinitionRecord> {
    const result = new Map<string, DefinitionRecord>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const sql = `SELECT ${DEFINITION_COLUMNS} FROM definitions d WHERE d.id IN (${chunk.map(() => '?').join(',')})`;
      for (const row of this.prepare(sql).all(...chunk) as Row[]) result.set(row.id, toDefinition(row));
    }
    return result;
  }

  // ------------------------------------------------------------ instances

  instances(q: InstanceQuery): InstanceRecord[] {
    const { where, params } = this.instanceWhere(q);
    const order = q.sortBy ? `${this.sql.order(INSTANCE_SORT[q.sortBy], q.sortOrder === 'desc')}, i.rowid` : 'i.rowid';
    const sql = `SELECT i.* FROM instances i${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toInstance);
  }

  countInstances(q: InstanceQuery): number {
    const { where, params } = this.instanceWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM instances i${where}`).get(...params) as Row).n;
  }

  private instanceWhere(q: InstanceQuery) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const state = q.state ?? 'active';
    if (state === 'active') clauses.push(`i.state = 'active'`);
    if (state === 'ended') clauses.push(`i.state != 'active'`);
    if (q.ids !== undefined) {
      clauses.push(q.ids.length ? `i.id IN (${q.ids.map(() => '?').join(',')})` : '1 = 0');
      params.push(...q.ids);
    }
    if (q.businessKey !== undefined) clauses.push('i.business_key = ?'), params.push(q.businessKey);
    if (q.businessKeyLike !== undefined) clauses.push(`i.business_key LIKE ? ESCAPE '\\'`), params.push(q.businessKeyLike);
    if (q.processDefinitionId !== undefined) clauses.push('i.definition_id = ?'), params.push(q.processDefinitionId);
    if (q.processDefinitionKey !== undefined) clauses.push('i.definition_key = ?'), params.push(q.processDefinitionKey);
    if (q.superProcessInstance !== undefined) clauses.push('i.parent_instance_id = ?'), params.push(q.superProcessInstance);
    if (q.suspended !== undefined) clauses.push('i.suspended = ?'), params.push(q.suspended ? 1 : 0);
    if (q.startedAfter !== undefined) clauses.push('i.started_at >= ?'), params.push(q.startedAfter);
    if (q.startedBefore !== undefined) clauses.push('i.started_at <= ?'), params.push(q.startedBefore);
    if (q.finishedAfter !== undefined) clauses.push('i.ended_at >= ?'), params.push(q.finishedAfter);
    if (q.finishedBefore !== undefined) clauses.push('i.ended_at <= ?'), params.push(q.finishedBefore);
    if (q.withIncidents !== undefined) clauses.push(`${q.withIncidents ? '' : 'NOT '}EXISTS (SELECT 1 FROM incidents x WHERE x.instance_id = i.id)`);
    if (q.ended === 'completed') clauses.push(`i.state = 'completed'`);
    if (q.ended === 'externallyTerminated' || q.ended === 'internallyTerminated') {
      clauses.push(`i.state = 'terminated' AND ${q.ended === 'internallyTerminated' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${historyOfInstance(this.sql, 'i.id')} e WHERE e.kind = 'instanceCancelled')`);
    }
    for (const filter of q.variables ?? []) {
      const { sql, values } = variableClause(this.sql, filter);
      clauses.push(sql);
      params.push(...values);
    }
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  elementInstancesOf(instanceId: string): ElementInstanceRecord[] {
    return (this.s.elementInstancesOf.all(instanceId) as Row[]).map(toElementInstance);
  }

  elementInstance(id: string): ElementInstanceRecord | undefined {
    const row: Row = this.s.elementInstance.get(id);
    return row && toElementInstance(row);
  }

  incidentsOfInstance(instanceId: string): IncidentRecord[] {
    return (this.s.incidentsOfInstance.all(instanceId) as Row[]).map(toIncident);
  }

  businessKeyOf(instanceId: string): string | null {
    return ((this.s.businessKeyOf.get(instanceId) as Row)?.business_key as string | null) ?? null;
  }

  versionTagOf(definitionId: string): string | null {
    return ((this.s.definitionVersionTag.get(definitionId) as Row)?.version_tag as string | null) ?? null;
  }

  // ------------------------------------------------------------ user tasks

  /**
   * The task list, paged. Candidate filters use task_candidates(kind, value, task_id) either as
   * the driving index or as a per-row probe (see smallCandidateSet).
   */
  tasks(q: TaskQuery): TaskRecord[] {
    const { where, params } = this.taskWhere(q, this.smallCandidateSet(q));
    const direction = q.sortOrder === 'desc' ? 'DESC' : 'ASC';
    const order = q.sortBy ? `${this.sql.order(TASK_SORT[q.sortBy], q.sortOrder === 'desc')}, t.rowid ${direction}` : 't.rowid';
    const sql = `SELECT t.* FROM tasks t${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toTask);
  }

  countTasks(q: TaskQuery): number {
    const { where, params } = this.taskWhere(q, this.smallCandidateSet(q));
    return (this.prepare(`SELECT count(*) AS n FROM tasks t${where}`).get(...params) as Row).n;
  }

  /**
   * A candidate filter can drive the query two ways: from task_candidates (best when the group
   * or user has few tasks: the matches are then sorted) or from tasks in sort order, probing
   * task_candidates per row (best for big groups: the page fills after a few rows). A bounded
   * index count decides.
   */
  private smallCandidateSet(q: TaskQuery): boolean {
    const probes: Array<[string, string]> = [];
    if (q.candidateGroup !== undefined) probes.push(['group', q.candidateGroup]);
    if (q.candidateUser !== undefined) probes.push(['user', q.candidateUser]);
    if (probes.length === 0) return false;
    const statement = this.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM task_candidates WHERE kind = ? AND value = ? LIMIT ${SMALL_CANDIDATE_SET}) c`);
    return probes.some(([kind, value]) => (statement.get(kind, value) as Row).n < SMALL_CANDIDATE_SET);
  }

  private taskWhere(q: TaskQuery, driveFromCandidates = false) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.taskId !== undefined) clauses.push('t.id = ?'), params.push(q.taskId);
    if (q.processInstanceId !== undefined) clauses.push('t.instance_id = ?'), params.push(q.processInstanceId);
    if (q.processDefinitionId !== undefined) clauses.push('t.definition_id = ?'), params.push(q.processDefinitionId);
    if (q.processDefinitionKey !== undefined) clauses.push('t.definition_key = ?'), params.push(q.processDefinitionKey);
    if (q.taskDefinitionKey !== undefined) clauses.push('t.element_id = ?'), params.push(q.taskDefinitionKey);
    if (q.assignee !== undefined) clauses.push('t.assignee = ?'), params.push(q.assignee);
    if (q.unassigned) clauses.push('t.assignee IS NULL');
    if (q.assigned) clauses.push('t.assignee IS NOT NULL');
    if (q.name !== undefined) clauses.push('t.name = ?'), params.push(q.name);
    if (q.nameLike !== undefined) clauses.push(`t.name LIKE ? ESCAPE '\\'`), params.push(q.nameLike);
    if (q.suspended !== undefined) clauses.push('t.suspended = ?'), params.push(q.suspended ? 1 : 0);
    if (q.candidateGroup !== undefined) {
      clauses.push(driveFromCandidates
        ? `t.id IN (SELECT c.task_id FROM task_candidates c WHERE c.kind = 'group' AND c.value = ?)`
        : `EXISTS (SELECT 1 FROM task_candidates c WHERE c.kind = 'group' AND c.value = ? AND c.task_id = t.id)`);
      params.push(q.candidateGroup);
    }
    if (q.candidateUser !== undefined) {
      clauses.push(driveFromCandidates
        ? `t.id IN (SELECT c.task_id FROM task_candidates c WHERE c.kind = 'user' AND c.value = ?)`
        : `EXISTS (SELECT 1 FROM task_candidates c WHERE c.kind = 'user' AND c.value = ? AND c.task_id = t.id)`);
      params.push(q.candidateUser);
    }
    if ((q.candidateGroup !== undefined || q.candidateUser !== undefined) && !q.includeAssignedTasks) clauses.push('t.assignee IS NULL');
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  // ------------------------------------------------------------ jobs and external tasks

  jobs(q: JobQuery): JobRecord[] {
    const { where, params } = this.jobWhere(q);
    const order = q.sortBy ? `${this.sql.order(JOB_SORT[q.sortBy], q.sortOrder === 'desc')}, j.rowid` : 'j.rowid';
    const sql = `SELECT j.* FROM jobs j${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toJob);
  }

  countJobs(q: JobQuery): number {
    const { where, params } = this.jobWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM jobs j${where}`).get(...params) as Row).n;
  }

  private jobWhere(q: JobQuery) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.kind === 'task') clauses.push(`j.kind = 'task'`);
    if (q.kind === 'other') clauses.push(`j.kind != 'task'`);
    if (q.kinds !== undefined) {
      clauses.push(q.kinds.length ? `j.kind IN (${q.kinds.map(() => '?').join(',')})` : '1 = 0');
      params.push(...q.kinds);
    }
    if (q.id !== undefined) clauses.push('j.id = ?'), params.push(q.id);
    if (q.topicName !== undefined) clauses.push('j.topic = ?'), params.push(q.topicName);
    if (q.workerId !== undefined) clauses.push('j.lock_owner = ? AND j.lock_expires_at > ?'), params.push(q.workerId, q.now);
    if (q.locked) clauses.push('j.lock_expires_at > ?'), params.push(q.now);
    if (q.notLocked) clauses.push('(j.lock_expires_at IS NULL OR j.lock_expires_at <= ?)'), params.push(q.now);
    if (q.withRetriesLeft) clauses.push('j.retries > 0');
    if (q.noRetriesLeft) clauses.push('j.retries = 0');
    if (q.processInstanceId !== undefined) clauses.push('j.instance_id = ?'), params.push(q.processInstanceId);
    if (q.processDefinitionId !== undefined) clauses.push('j.definition_id = ?'), params.push(q.processDefinitionId);
    if (q.processDefinitionKey !== undefined) clauses.push('j.definition_key = ?'), params.push(q.processDefinitionKey);
    if (q.activityId !== undefined) clauses.push('j.element_id = ?'), params.push(q.activityId);
    if (q.suspended !== undefined) clauses.push('j.suspended = ?'), params.push(q.suspended ? 1 : 0);
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** Work items of one topic that a worker may lock now: unlocked or lock expired, retries left, due. */
  lockCandidates(q: LockCandidateQuery): JobRecord[] {
    const clauses = [`j.kind = 'task'`, 'j.topic = ?', 'j.retries > 0', 'j.suspended = 0', 'j.due_at <= ?', '(j.lock_expires_at IS NULL OR j.lock_expires_at <= ?)'];
    const params: unknown[] = [q.topic, q.now, q.now];
    if (q.processDefinitionId !== undefined) clauses.push('j.definition_id = ?'), params.push(q.processDefinitionId);
    if (q.processDefinitionKey !== undefined) clauses.push('j.definition_key = ?'), params.push(q.processDefinitionKey);
    if (q.processDefinitionIds?.length) {
      clauses.push(`j.definition_id IN (${q.processDefinitionIds.map(() => '?').join(',')})`);
      params.push(...q.processDefinitionIds);
    }
    if (q.processDefinitionKeys?.length) {
      clauses.push(`j.definition_key IN (${q.processDefinitionKeys.map(() => '?').join(',')})`);
      params.push(...q.processDefinitionKeys);
    }
    if (q.businessKey !== undefined) {
      clauses.push('j.instance_id IN (SELECT id FROM instances WHERE business_key = ?)');
      params.push(q.businessKey);
    }
    const order = q.usePriority ? 'j.priority DESC, j.due_at, j.rowid' : 'j.due_at, j.rowid';
    // several nodes (PostgreSQL): rows another node is locking right now are skipped, the rest stay ours until commit
    const skipLocked = dialectOf(this.db) === 'postgres' ? SKIP_LOCKED_CANDIDATES : '';
    const sql = `SELECT j.* FROM jobs j WHERE ${clauses.join(' AND ')} ORDER BY ${order} LIMIT ?${skipLocked}`;
    return (this.prepare(sql).all(...params, q.limit) as Row[]).map(toJob);
  }

  /** When the next work item of `topic` becomes available (due, or its lock expires). */
  nextTopicDue(topic: string): number | null {
    return ((this.s.nextTopicDue.get(topic) as Row)?.at as number | null) ?? null;
  }

  // ------------------------------------------------------------ incidents

  incidents(q: IncidentQuery): IncidentRecord[] {
    const { where, params } = this.incidentWhere(q);
    const order = q.sortBy ? `${this.sql.order(INCIDENT_SORT[q.sortBy], q.sortOrder === 'desc')}, rowid` : 'rowid';
    const sql = `SELECT * FROM incidents${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toIncident);
  }

  countIncidents(q: IncidentQuery): number {
    const { where, params } = this.incidentWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM incidents${where}`).get(...params) as Row).n;
  }

  private incidentWhere(q: IncidentQuery) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (q.id !== undefined) clauses.push('id = ?'), params.push(q.id);
    if (q.incidentType !== undefined) clauses.push('type = ?'), params.push(q.incidentType);
    if (q.processInstanceId !== undefined) clauses.push('instance_id = ?'), params.push(q.processInstanceId);
    if (q.processDefinitionId !== undefined) clauses.push('definition_id = ?'), params.push(q.processDefinitionId);
    if (q.activityId !== undefined) clauses.push('element_id = ?'), params.push(q.activityId);
    if (q.configuration !== undefined) clauses.push('job_id = ?'), params.push(q.configuration);
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }

  // ------------------------------------------------------------ history

  /** The audit trail of one instance, in order. */
  historyOf(instanceId: string): HistoryRow[] {
    return (this.s.historyOfInstance.all(instanceId) as Row[]).map(toHistoryRow);
  }

  /**
   * History rows of some kinds, in order, optionally for a set of instances. Callers fold them
   * (the latest row per activity, task or variable wins).
   */
  historyRows(kinds: readonly HistoryKind[], instanceIds?: readonly string[]): HistoryRow[] {
    // kinds are the engine's own names, written into the SQL so SQLite can use the partial
    // index on the rare kinds (it cannot for bound parameters); anything else is refused
    for (const kind of kinds) if (!/^[A-Za-z]+$/.test(kind)) throw new Error(`Invalid history kind '${kind}'`);
    const kindList = kinds.map((kind) => `'${kind}'`).join(',');
    if (instanceIds === undefined) {
      // the kinds queried across instances have rows of their own, indexed by kind (migration 9)
      const table = kinds.every((kind) => CROSS_INSTANCE_KINDS.has(kind)) ? 'history_rows' : 'history';
      return (this.prepare(`SELECT * FROM ${table} WHERE kind IN (${kindList}) ORDER BY seq`).all() as Row[]).map(toHistoryRow);
    }
    const rows: HistoryRow[] = [];
    const sql = `SELECT * FROM history WHERE instance_id = ? AND kind IN (${kindList}) ORDER BY seq`;
    const statement = this.prepare(sql);
    for (const id of instanceIds) for (const row of statement.all(id) as Row[]) rows.push(toHistoryRow(row));
    return rows.sort((a, b) => a.seq - b.seq);
  }

  /** How an ended instance ended: cancelled from outside, terminated by an end event, or completed. */
  instanceEnd(instanceId: string): { kind: string; reason: string | null } | undefined {
    const row: Row = this.s.instanceEndKind.get(instanceId);
    if (!row) return undefined;
    const data = row.data ? safeJson(row.data) : null;
    return { kind: row.kind, reason: typeof data?.reason === 'string' ? data.reason : null };
  }

  startActor(instanceId: string): string | null {
    return ((this.s.startActor.get(instanceId) as Row)?.actor as string | null) ?? null;
  }

  diagramLayout(definitionId: string): string | null {
    return ((this.s.diagramLayout.get(definitionId) as Row)?.xml as string | undefined) ?? null;
  }
}

function limitOf(page: Page): number {
  return page.maxResults === undefined ? Number.MAX_SAFE_INTEGER : page.maxResults;
}

function toHistoryRow(row: Row): HistoryRow {
  return {
    seq: row.seq,
    instanceId: row.instance_id,
    kind: row.kind,
    elementInstanceId: row.element_instance_id,
    elementId: row.element_id,
    elementType: row.element_type,
    startedAt: row.started_at,
    at: row.at,
    actor: row.actor,
    data: row.data,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The history entries (seq, kind, data) of the instance whose id is the SQL expression `instance`,
 * for a subquery correlated with an outer query: through the `history` view SQLite would expand
 * every instance's entries first, here both tables are searched by their instance index.
 */
function historyOfInstance(sql: PortableSql, instance: string): string {
  const e = sql.jsonArrayElements('s.entries', 'e');
  return `(SELECT seq, kind, data FROM history_rows WHERE instance_id = ${instance}`
    + ` UNION ALL SELECT s.first_seq + ${e.key}, ${e.value} ->> 0, ${e.value} ->> 7 FROM history_steps s, ${e.from} WHERE s.instance_id = ${instance})`;
}

/**
 * One variable filter. A running instance is matched on its live variables (any scope), an ended one
 * on the latest `variableSet` row of that name in its history. Numbers compare numerically, strings
 * as text, booleans as true/false; a number also matches a String variable with the same digits (eq/neq).
 */
function variableClause(sql: PortableSql, filter: VariableFilter): { sql: string; values: unknown[] } {
  const live = valueComparison(sql, filter, 'v.type', 'v.value');
  const past = valueComparison(sql, filter, sql.jsonField('h.data', 'type'), sql.jsonField('h.data', 'value'));
  const latest = `SELECT data FROM ${historyOfInstance(sql, 'i.id')} l WHERE l.kind = 'variableSet' AND ${sql.jsonField('l.data', 'name')} = ? ORDER BY l.seq DESC LIMIT 1`;
  return {
    sql: `((i.state = 'active' AND EXISTS (SELECT 1 FROM variables v WHERE v.instance_id = i.id AND v.name = ? AND ${live.sql}))`
      + ` OR (i.state != 'active' AND EXISTS (SELECT 1 FROM (${latest}) h WHERE ${past.sql})))`,
    values: [filter.name, ...live.values, filter.name, ...past.values],
  };
}

/** `type` and `text` are SQL expressions for a stored value's encoding (see runtime/variables.ts encodeValue). */
function valueComparison(sql: PortableSql, filter: VariableFilter, type: string, text: string): { sql: string; values: unknown[] } {
  const op = VARIABLE_SQL_OPERATOR[filter.operator];
  if (filter.value === null) return { sql: filter.operator === 'neq' ? `${type} != 'null'` : `${type} = 'null'`, values: [] };
  if (typeof filter.value === 'number') {
    const sameText = filter.operator === 'eq' || filter.operator === 'neq';
    return {
      sql: `((${type} = 'number' AND ${sql.realWhen(`${type} = 'number'`, text)} ${op} ?)${sameText ? ` OR (${type} = 'string' AND ${text} ${op} ?)` : ''})`,
      values: [filter.value, ...(sameText ? [String(filter.value)] : [])],
    };
  }
  if (typeof filter.value === 'boolean') return { sql: `${type} = 'boolean' AND ${text} ${op} ?`, values: [filter.value ? '1' : '0'] };
  return { sql: `${type} IN ('string', 'date', 'json') AND ${text} ${op} ?${filter.operator === 'like' ? ` ESCAPE '\\'` : ''}`, values: [filter.value] };
}
