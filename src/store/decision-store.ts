/**
 * Deployed DMN decisions (one row per decision and version, with its file's compiled graph) and
 * the audit trail of their evaluations (one row per decision evaluated, required decisions too).
 */
import type { SqlDatabase } from './sql-database.js';
import { dialectOf } from './sql-database.js';
import { DeploymentLock } from './postgres/multi-node-deploy.js';
import { PortableSql } from './portable-sql.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

export interface DecisionDefinitionRecord {
  id: string;
  key: string;
  version: number;
  versionTag: string | null;
  name: string | null;
  /** the `definitions` id of the DMN file: the decision requirements definition key */
  drdKey: string;
  deploymentId: string;
  resourceName: string;
  tenantId: string | null;
  historyTimeToLive: string | null;
  deployedAt: number;
}

export interface DecisionValue {
  clauseId: string;
  clauseName: string | null;
  value: unknown;
}

export interface DecisionOutputValue extends DecisionValue {
  variableName: string;
  ruleId: string;
  ruleOrder: number;
}

export interface DecisionInstanceRecord {
  id: string;
  decisionDefinitionId: string;
  decisionKey: string;
  decisionVersion: number;
  decisionName: string | null;
  drdKey: string | null;
  /** the decision a business-rule task or a caller asked for; null on that one itself */
  rootDecisionInstanceId: string | null;
  instanceId: string | null;
  definitionId: string | null;
  definitionKey: string | null;
  elementId: string | null;
  elementInstanceId: string | null;
  tenantId: string | null;
  userId: string | null;
  evaluatedAt: number;
  inputs: DecisionValue[];
  outputs: DecisionOutputValue[];
  matchedRules: Array<{ ruleId: string; ruleOrder: number }>;
  collectResultValue: unknown;
}

export interface DecisionDefinitionQuery {
  id?: string;
  idIn?: string[];
  key?: string;
  keyLike?: string;
  name?: string;
  nameLike?: string;
  deploymentId?: string;
  drdKey?: string;
  resourceName?: string;
  version?: number;
  versionTag?: string;
  latestVersion?: boolean;
  tenantIdIn?: string[];
  withoutTenantId?: boolean;
  sortBy?: 'id' | 'key' | 'name' | 'version' | 'deploymentId' | 'versionTag' | 'tenantId';
  sortOrder?: 'asc' | 'desc';
  firstResult?: number;
  maxResults?: number;
}

export interface DecisionInstanceQuery {
  id?: string;
  idIn?: string[];
  decisionDefinitionId?: string;
  decisionDefinitionIdIn?: string[];
  decisionKey?: string;
  decisionKeyIn?: string[];
  decisionName?: string;
  instanceId?: string;
  definitionId?: string;
  definitionKey?: string;
  elementIdIn?: string[];
  elementInstanceIdIn?: string[];
  evaluatedBefore?: number;
  evaluatedAfter?: number;
  rootDecisionInstanceId?: string;
  rootDecisionInstancesOnly?: boolean;
  userId?: string;
  sortBy?: 'evaluationTime' | 'tenantId';
  sortOrder?: 'asc' | 'desc';
  firstResult?: number;
  maxResults?: number;
}

const DEFINITION_COLUMNS = 'id, key, version, version_tag, name, drd_key, deployment_id, resource_name, tenant_id, history_ttl, deployed_at';
const DEFINITION_SORT: Record<NonNullable<DecisionDefinitionQuery['sortBy']>, string> = {
  id: 'id', key: 'key', name: 'name', version: 'version', deploymentId: 'deployment_id', versionTag: 'version_tag', tenantId: 'tenant_id',
};
const MAX_PAGE = 10_000;

export class DecisionStore {
  private readonly s;

  /** PostgreSQL (several engine nodes): deploys of two nodes run one after the other */
  private readonly deploymentLock: DeploymentLock | undefined;

  constructor(private readonly db: SqlDatabase) {
    this.deploymentLock = dialectOf(db) === 'postgres' ? new DeploymentLock(db) : undefined;
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertDefinition: p(`INSERT INTO decision_definitions (id, key, version, version_tag, name, drd_key, deployment_id, resource_name, tenant_id, history_ttl, graph, deployed_at)
        VALUES (@id, @key, @version, @versionTag, @name, @drdKey, @deploymentId, @resourceName, @tenantId, @historyTimeToLive, @graph, @deployedAt)`),
      maxVersion: p(`SELECT max(version) AS v FROM decision_definitions WHERE key = ? AND ifnull(tenant_id, '') = ?`),
      get: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE id = ?`),
      graph: p(`SELECT graph FROM decision_definitions WHERE id = ?`),
      latest: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE key = ? AND ifnull(tenant_id, '') = ? ORDER BY version DESC LIMIT 1`),
      byVersion: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE key = ? AND ifnull(tenant_id, '') = ? AND version = ?`),
      byVersionTag: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE key = ? AND ifnull(tenant_id, '') = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`),
      inDeployment: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE key = ? AND deployment_id = ?`),
      ofDeployment: p(`SELECT ${DEFINITION_COLUMNS} FROM decision_definitions WHERE deployment_id = ? ORDER BY rowid`),
      insertInstance: p(`INSERT INTO decision_instances (id, decision_definition_id, decision_key, decision_version, decision_name, drd_key, root_decision_instance_id,
        instance_id, definition_id, definition_key, element_id, element_instance_id, tenant_id, user_id, evaluated_at, inputs, outputs, matched_rules, collect_result)
        VALUES (@id, @decisionDefinitionId, @decisionKey, @decisionVersion, @decisionName, @drdKey, @rootDecisionInstanceId,
        @instanceId, @definitionId, @definitionKey, @elementId, @elementInstanceId, @tenantId, @userId, @evaluatedAt, @inputs, @outputs, @matchedRules, @collectResult)`),
    };
  }

  insertDefinition(record: DecisionDefinitionRecord, graphJson: string): void {
    this.s.insertDefinition.run({ ...record, graph: graphJson });
  }

  nextVersion(key: string, tenantId: string | null): number {
    this.deploymentLock?.take();
    return (((this.s.maxVersion.get(key, tenantId ?? '') as Row)?.v as number | null) ?? 0) + 1;
  }

  get(id: string): DecisionDefinitionRecord | undefined {
    return toDefinition(this.s.get.get(id));
  }

  graphJson(id: string): string | undefined {
    return (this.s.graph.get(id) as Row)?.graph;
  }

  latest(key: string, tenantId: string | null = null): DecisionDefinitionRecord | undefined {
    return toDefinition(this.s.latest.get(key, tenantId ?? ''));
  }

  byVersion(key: string, version: number, tenantId: string | null = null): DecisionDefinitionRecord | undefined {
    return toDefinition(this.s.byVersion.get(key, tenantId ?? '', version));
  }

  byVersionTag(key: string, versionTag: string, tenantId: string | null = null): DecisionDefinitionRecord | undefined {
    return toDefinition(this.s.byVersionTag.get(key, tenantId ?? '', versionTag));
  }

  inDeployment(key: string, deploymentId: string): DecisionDefinitionRecord | undefined {
    return toDefinition(this.s.inDeployment.get(key, deploymentId));
  }

  ofDeployment(deploymentId: string): DecisionDefinitionRecord[] {
    return (this.s.ofDeployment.all(deploymentId) as Row[]).map((row) => toDefinition(row)!);
  }

  queryDefinitions(query: DecisionDefinitionQuery): DecisionDefinitionRecord[] {
    const { where, params } = definitionFilter(query);
    const column = query.sortBy !== undefined && Object.hasOwn(DEFINITION_SORT, query.sortBy) ? DEFINITION_SORT[query.sortBy] : 'key';
    const order = `${new PortableSql(this.db).order(column, query.sortOrder === 'desc')}, version ASC`;
    const sql = `SELECT ${DEFINITION_COLUMNS} FROM decision_definitions d ${where} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...params, page(query.maxResults), query.firstResult ?? 0) as Row[]).map((row) => toDefinition(row)!);
  }

  countDefinitions(query: DecisionDefinitionQuery): number {
    const { where, params } = definitionFilter(query);
    return (this.db.prepare(`SELECT count(*) AS n FROM decision_definitions d ${where}`).get(...params) as Row).n;
  }

  /** A deployment was deleted: its decisions go (their evaluation history stays, as Camunda keeps it). */
  deleteOfDeployment(deploymentId: string): void {
    this.db.prepare(`DELETE FROM decision_definitions WHERE deployment_id = ?`).run(deploymentId);
  }

  insertInstances(records: DecisionInstanceRecord[]): void {
    for (const r of records) {
      this.s.insertInstance.run({
        ...r,
        inputs: JSON.stringify(r.inputs),
        outputs: JSON.stringify(r.outputs),
        matchedRules: JSON.stringify(r.matchedRules),
        collectResult: r.collectResultValue === undefined || r.collectResultValue === null ? null : JSON.stringify(r.collectResultValue),
      });
    }
  }

  queryInstances(query: DecisionInstanceQuery): DecisionInstanceRecord[] {
    const { where, params } = instanceFilter(query);
    const sort = new PortableSql(this.db).order(query.sortBy === 'tenantId' ? 'tenant_id' : 'evaluated_at', query.sortOrder === 'desc');
    const sql = `SELECT * FROM decision_instances ${where} ORDER BY ${sort}, seq ${query.sortOrder === 'desc' ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...params, page(query.maxResults), query.firstResult ?? 0) as Row[]).map(toInstance);
  }

  countInstances(query: DecisionInstanceQuery): number {
    const { where, params } = instanceFilter(query);
    return (this.db.prepare(`SELECT count(*) AS n FROM decision_instances ${where}`).get(...params) as Row).n;
  }
}

function page(maxResults: number | undefined): number {
  return Math.min(Math.max(0, maxResults ?? MAX_PAGE), MAX_PAGE);
}

interface Filter {
  where: string;
  params: unknown[];
}

/** Conditions are fixed SQL text; only the bound parameters come from the caller. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string, value: unknown): void {
    if (value === undefined) return;
    this.parts.push(sql);
    this.params.push(value);
  }
  addIn(column: string, values: string[] | undefined): void {
    if (values === undefined) return;
    if (values.length === 0) {
      this.parts.push('1 = 0'); // matches nothing (PostgreSQL wants a boolean, not 0)
      return;
    }
    this.parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    this.params.push(...values);
  }
  result(): Filter {
    return { where: this.parts.length === 0 ? '' : `WHERE ${this.parts.join(' AND ')}`, params: this.params };
  }
}

function definitionFilter(q: DecisionDefinitionQuery): Filter {
  const c = new Conditions();
  c.add('id = ?', q.id);
  c.addIn('id', q.idIn);
  c.add('key = ?', q.key);
  c.add('key LIKE ?', q.keyLike);
  c.add('name = ?', q.name);
  c.add('name LIKE ?', q.nameLike);
  c.add('deployment_id = ?', q.deploymentId);
  c.add('drd_key = ?', q.drdKey);
  c.add('resource_name = ?', q.resourceName);
  c.add('version = ?', q.version);
  c.add('version_tag = ?', q.versionTag);
  c.addIn('tenant_id', q.tenantIdIn);
  if (q.withoutTenantId) c.parts.push('tenant_id IS NULL');
  if (q.latestVersion) {
    c.parts.push(`version = (SELECT max(version) FROM decision_definitions l WHERE l.key = d.key AND ifnull(l.tenant_id, '') = ifnull(d.tenant_id, ''))`);
  }
  return c.result();
}

function instanceFilter(q: DecisionInstanceQuery): Filter {
  const c = new Conditions();
  c.add('id = ?', q.id);
  c.addIn('id', q.idIn);
  c.add('decision_definition_id = ?', q.decisionDefinitionId);
  c.addIn('decision_definition_id', q.decisionDefinitionIdIn);
  c.add('decision_key = ?', q.decisionKey);
  c.addIn('decision_key', q.decisionKeyIn);
  c.add('decision_name = ?', q.decisionName);
  c.add('instance_id = ?', q.instanceId);
  c.add('definition_id = ?', q.definitionId);
  c.add('definition_key = ?', q.definitionKey);
  c.addIn('element_id', q.elementIdIn);
  c.addIn('element_instance_id', q.elementInstanceIdIn);
  c.add('evaluated_at < ?', q.evaluatedBefore);
  c.add('evaluated_at > ?', q.evaluatedAfter);
  c.add('root_decision_instance_id = ?', q.rootDecisionInstanceId);
  c.add('user_id = ?', q.userId);
  if (q.rootDecisionInstancesOnly) c.parts.push('root_decision_instance_id IS NULL');
  return c.result();
}

function toDefinition(row: Row): DecisionDefinitionRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    versionTag: row.version_tag,
    name: row.name,
    drdKey: row.drd_key,
    deploymentId: row.deployment_id,
    resourceName: row.resource_name,
    tenantId: row.tenant_id,
    historyTimeToLive: row.history_ttl,
    deployedAt: row.deployed_at,
  };
}

function toInstance(row: Row): DecisionInstanceRecord {
  return {
    id: row.id,
    decisionDefinitionId: row.decision_definition_id,
    decisionKey: row.decision_key,
    decisionVersion: row.decision_version,
    decisionName: row.decision_name,
    drdKey: row.drd_key,
    rootDecisionInstanceId: row.root_decision_instance_id,
    instanceId: row.instance_id,
    definitionId: row.definition_id,
    definitionKey: row.definition_key,
    elementId: row.element_id,
    elementInstanceId: row.element_instance_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    evaluatedAt: row.evaluated_at,
    inputs: JSON.parse(row.inputs),
    outputs: JSON.parse(row.outputs),
    matchedRules: JSON.parse(row.matched_rules),
    collectResultValue: row.collect_result === null ? null : JSON.parse(row.collect_result),
  };
}
