/**
 * Read-only queries behind Camunda 7's execution-shaped REST resources: executions (the process
 * instance plus each of its element instances), event subscriptions and variable instances.
 * Filtered queries are assembled from fixed SQL fragments; user values are always bound.
 */
import type { SqlDatabase, SqlStatement } from './sql-database.js';
import type { Page } from './query-store.js';
import type { ExecutionReads } from './queries.js';
import type { SubscriptionRecord } from './records.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

export interface ExecutionRow {
  id: string;
  instanceId: string;
  /** null for the process instance's own execution */
  elementId: string | null;
  definitionId: string;
  definitionKey: string;
  businessKey: string | null;
}

export interface ExecutionQuery extends Page {
  id?: string;
  processInstanceId?: string;
  processDefinitionId?: string;
  processDefinitionKey?: string;
  businessKey?: string;
  activityId?: string;
  messageEventSubscriptionName?: string;
  signalEventSubscriptionName?: string;
}

/**
 * Camunda's event subscription: a message or signal subscription, or the compensate subscription
 * of a completed activity that can still be compensated (a row of `compensations`).
 */
export interface EventSubscriptionRow {
  id: string;
  eventType: EventSubscriptionType;
  /** null for conditional and compensate subscriptions */
  eventName: string | null;
  /** the scope that holds it: an element instance, the process instance, or null for a start event's */
  executionId: string | null;
  instanceId: string | null;
  /** the waiting event element, or the compensable activity that completed */
  activityId: string;
  createdAt: number;
  tenantId: string | null;
}

export type EventSubscriptionType = SubscriptionRecord['kind'] | 'compensate';

export interface EventSubscriptionQuery extends Page {
  id?: string;
  eventName?: string;
  eventType?: EventSubscriptionType;
  executionId?: string;
  processInstanceId?: string;
  activityId?: string;
}

export interface VariableInstanceRow {
  scopeId: string;
  name: string;
  instanceId: string;
  type: string;
  value: string | null;
  definitionId: string;
  /** the user task whose element instance is the variable's scope */
  taskId: string | null;
}

export interface VariableInstanceQuery extends Page {
  variableName?: string;
  variableNameLike?: string;
  processInstanceIdIn?: string[];
  /** scope ids: a process instance id or an element instance id */
  executionIdIn?: string[];
  taskIdIn?: string[];
}

/** Every active process instance as an execution, then each of its element instances (in creation order). */
const EXECUTIONS = `(
  SELECT i.id AS id, i.id AS instance_id, NULL AS element_id, i.definition_id, i.definition_key, i.business_key, 0 AS depth, i.rowid AS seq
    FROM instances i WHERE i.state = 'active'
  UNION ALL
  SELECT e.id, e.instance_id, e.element_id, i.definition_id, i.definition_key, i.business_key, 1, e.rowid
    FROM element_instances e JOIN instances i ON i.id = e.instance_id WHERE i.state = 'active'
) x`;

/** A subscription held by execution `x`: by its element instance, or by the instance's root scope. */
/**
 * Message and signal subscriptions, then compensate subscriptions (a root-scope one belongs to the
 * instance's execution; a compensation record's execution is the scope it completed in).
 */
const EVENT_SUBSCRIPTIONS = `(
  SELECT 0 AS source, s.seq, s.id, s.kind AS event_type, CASE s.kind WHEN 'conditional' THEN NULL ELSE s.name END AS event_name,
      coalesce(s.element_instance_id, s.instance_id) AS execution_id, s.instance_id, s.element_id AS activity_id, s.created_at, s.tenant_id
    FROM subscriptions s
  UNION ALL
  SELECT 1, c.seq, c.id, 'compensate', NULL, coalesce(c.scope_id, c.instance_id), c.instance_id, c.element_id, c.completed_at, d.tenant_id
    FROM compensations c JOIN instances i ON i.id = c.instance_id LEFT JOIN definitions d ON d.id = i.definition_id
) e`;

const HELD_BY = `EXISTS (SELECT 1 FROM subscriptions s WHERE s.kind = ? AND s.name = ? AND s.instance_id = x.instance_id
  AND (s.element_instance_id = x.id OR (x.element_id IS NULL AND s.element_instance_id IS NULL)))`;

export class ExecutionQueries implements ExecutionReads {
  private readonly cache = new Map<string, SqlStatement>();

  constructor(private readonly db: SqlDatabase) {}

  private prepare(sql: string): SqlStatement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.cache.size < 200) this.cache.set(sql, statement);
    }
    return statement;
  }

  // ------------------------------------------------------------ executions

  executions(q: ExecutionQuery): ExecutionRow[] {
    const { where, params } = executionWhere(q);
    const sql = `SELECT * FROM ${EXECUTIONS}${where} ORDER BY x.instance_id, x.depth, x.seq LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toExecution);
  }

  countExecutions(q: ExecutionQuery): number {
    const { where, params } = executionWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM ${EXECUTIONS}${where}`).get(...params) as Row).n;
  }

  // ------------------------------------------------------------ event subscriptions

  eventSubscriptions(q: EventSubscriptionQuery): EventSubscriptionRow[] {
    const { where, params } = subscriptionWhere(q);
    const sql = `SELECT * FROM ${EVENT_SUBSCRIPTIONS}${where} ORDER BY e.source, e.seq LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toEventSubscription);
  }

  countEventSubscriptions(q: EventSubscriptionQuery): number {
    const { where, params } = subscriptionWhere(q);
    return (this.prepare(`SELECT count(*) AS n FROM ${EVENT_SUBSCRIPTIONS}${where}`).get(...params) as Row).n;
  }

  // ------------------------------------------------------------ variable instances

  variableInstances(q: VariableInstanceQuery): VariableInstanceRow[] {
    const { where, params } = variableWhere(q);
    const sql = `SELECT v.scope_id, v.name, v.instance_id, v.type, v.value, i.definition_id, t.id AS task_id
      FROM variables v JOIN instances i ON i.id = v.instance_id LEFT JOIN tasks t ON t.element_instance_id = v.scope_id
      ${where} ORDER BY v.instance_id, v.scope_id, v.name LIMIT ? OFFSET ?`;
    return (this.prepare(sql).all(...params, limitOf(q), q.firstResult ?? 0) as Row[]).map(toVariableInstance);
  }

  countVariableInstances(q: VariableInstanceQuery): number {
    const { where, params } = variableWhere(q);
    const sql = `SELECT count(*) AS n FROM variables v JOIN instances i ON i.id = v.instance_id LEFT JOIN tasks t ON t.element_instance_id = v.scope_id ${where}`;
    return (this.prepare(sql).get(...params) as Row).n;
  }

  variableInstance(scopeId: string, name: string): VariableInstanceRow | undefined {
    const rows = this.variableInstances({ executionIdIn: [scopeId], variableName: name });
    return rows[0];
  }
}

function executionWhere(q: ExecutionQuery) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) clauses.push('x.id = ?'), params.push(q.id);
  if (q.processInstanceId !== undefined) clauses.push('x.instance_id = ?'), params.push(q.processInstanceId);
  if (q.processDefinitionId !== undefined) clauses.push('x.definition_id = ?'), params.push(q.processDefinitionId);
  if (q.processDefinitionKey !== undefined) clauses.push('x.definition_key = ?'), params.push(q.processDefinitionKey);
  if (q.businessKey !== undefined) clauses.push('x.business_key = ?'), params.push(q.businessKey);
  if (q.activityId !== undefined) clauses.push('x.element_id = ?'), params.push(q.activityId);
  if (q.messageEventSubscriptionName !== undefined) clauses.push(HELD_BY), params.push('message', q.messageEventSubscriptionName);
  if (q.signalEventSubscriptionName !== undefined) clauses.push(HELD_BY), params.push('signal', q.signalEventSubscriptionName);
  return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function subscriptionWhere(q: EventSubscriptionQuery) {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.id !== undefined) clauses.push('e.id = ?'), params.push(q.id);
  if (q.eventName !== undefined) clauses.push('e.event_name = ?'), params.push(q.eventName);
  if (q.eventType !== undefined) clauses.push('e.event_type = ?'), params.push(q.eventType);
  if (q.processInstanceId !== undefined) clauses.push('e.instance_id = ?'), params.push(q.processInstanceId);
  if (q.activityId !== undefined) clauses.push('e.activity_id = ?'), params.push(q.activityId);
  if (q.executionId !== undefined) clauses.push('e.execution_id = ?'), params.push(q.executionId);
  return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

function variableWhere(q: VariableInstanceQuery) {
  const clauses: string[] = [`i.state = 'active'`];
  const params: unknown[] = [];
  const within = (column: string, values: string[] | undefined) => {
    if (values === undefined) return;
    clauses.push(values.length ? `${column} IN (${values.map(() => '?').join(',')})` : '1 = 0');
    params.push(...values);
  };
  if (q.variableName !== undefined) clauses.push('v.name = ?'), params.push(q.variableName);
  if (q.variableNameLike !== undefined) clauses.push(`v.name LIKE ? ESCAPE '\\'`), params.push(q.variableNameLike);
  within('v.instance_id', q.processInstanceIdIn);
  within('v.scope_id', q.executionIdIn);
  within('t.id', q.taskIdIn);
  return { where: ` WHERE ${clauses.join(' AND ')}`, params };
}

/** no maxResults: every row (SQLite's LIMIT -1 means that too, but PostgreSQL refuses a negative limit) */
function limitOf(page: Page): number {
  return page.maxResults === undefined ? Number.MAX_SAFE_INTEGER : page.maxResults;
}

function toExecution(row: Row): ExecutionRow {
  return {
    id: row.id,
    instanceId: row.instance_id,
    elementId: row.element_id ?? null,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    businessKey: row.business_key ?? null,
  };
}

function toEventSubscription(row: Row): EventSubscriptionRow {
  return {
    id: row.id,
    eventType: row.event_type,
    eventName: row.event_name ?? null,
    executionId: row.execution_id ?? null,
    instanceId: row.instance_id ?? null,
    activityId: row.activity_id,
    createdAt: row.created_at,
    tenantId: row.tenant_id ?? null,
  };
}

function toVariableInstance(row: Row): VariableInstanceRow {
  return {
    scopeId: row.scope_id,
    name: row.name,
    instanceId: row.instance_id,
    type: row.type,
    value: row.value ?? null,
    definitionId: row.definition_id,
    taskId: row.task_id ?? null,
  };
}
