import type { SqlDatabase } from './sql-database.js';
import type { CockpitReads } from './queries.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/** Per flow node: tokens waiting or working there now, and open incidents, across all instances. */
export interface ElementStatistics {
  elementId: string;
  active: number;
  incidents: number;
}

export interface DefinitionCounts {
  running: number;
  incidents: number;
}

/** Element ids an instance has visited (from history) and is at now, for the path overlay. */
export interface InstancePath {
  visited: string[];
  active: string[];
}

export interface FormResource {
  deploymentId: string;
  name: string;
  content: Buffer;
}

export interface HistoryPageRow {
  seq: number;
  kind: string;
  elementId: string | null;
  elementType: string | null;
  at: number;
  actor: string | null;
  data: string | null;
}

const LIVE_STATES = `('ready', 'active', 'completing', 'terminating')`;

/**
 * Read-only aggregate queries for the cockpit (the web UI). Every statement is prepared once and
 * bounded: group-bys over one definition's instances, never a scan that returns rows per instance.
 */
export class CockpitQueries implements CockpitReads {
  private readonly s;

  constructor(db: SqlDatabase) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      activeByElement: p(`SELECT ei.element_id AS elementId, count(*) AS n FROM element_instances ei
        JOIN instances i ON i.id = ei.instance_id
        WHERE i.definition_id = ? AND i.state = 'active' AND ei.state IN ${LIVE_STATES}
        GROUP BY ei.element_id`),
      incidentsByElement: p(`SELECT element_id AS elementId, count(*) AS n FROM incidents WHERE definition_id = ? GROUP BY element_id`),
      runningByDefinition: p(`SELECT definition_id AS id, count(*) AS n FROM instances WHERE state = 'active' GROUP BY definition_id`),
      incidentsByDefinition: p(`SELECT definition_id AS id, count(*) AS n FROM incidents GROUP BY definition_id`),
      visited: p(`SELECT DISTINCT element_id AS elementId FROM history
        WHERE instance_id = ? AND element_id IS NOT NULL AND kind IN ('activityStarted', 'activityCompleted', 'activityTerminated')`),
      activeOf: p(`SELECT DISTINCT element_id AS elementId FROM element_instances WHERE instance_id = ? AND state IN ${LIVE_STATES}`),
      formsByName: p(`SELECT r.deployment_id AS deploymentId, r.name, r.content FROM resources r
        JOIN deployments d ON d.id = r.deployment_id
        WHERE r.name LIKE '%.form' ORDER BY d.deployed_at DESC, d.rowid DESC LIMIT ?`),
      resourceByName: p(`SELECT deployment_id AS deploymentId, name, content FROM resources WHERE deployment_id = ? AND name = ?`),
      historyPage: p(`SELECT seq, kind, element_id AS elementId, element_type AS elementType, at, actor, data FROM history
        WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`),
      anyInstance: p(`SELECT * FROM instances WHERE id = ?`),
    };
  }

  /** Active tokens and incidents per element of one definition (all its running instances). */
  elementStatistics(definitionId: string): ElementStatistics[] {
    const byElement = new Map<string, ElementStatistics>();
    const entry = (elementId: string) => {
      let stats = byElement.get(elementId);
      if (!stats) byElement.set(elementId, (stats = { elementId, active: 0, incidents: 0 }));
      return stats;
    };
    for (const row of this.s.activeByElement.all(definitionId) as Row[]) entry(row.elementId).active = row.n;
    for (const row of this.s.incidentsByElement.all(definitionId) as Row[]) if (row.elementId) entry(row.elementId).incidents = row.n;
    return [...byElement.values()];
  }

  /** Running instances and open incidents for every definition that has any. */
  definitionCounts(): Map<string, DefinitionCounts> {
    const counts = new Map<string, DefinitionCounts>();
    const entry = (id: string) => {
      let c = counts.get(id);
      if (!c) counts.set(id, (c = { running: 0, incidents: 0 }));
      return c;
    };
    for (const row of this.s.runningByDefinition.all() as Row[]) entry(row.id).running = row.n;
    for (const row of this.s.incidentsByDefinition.all() as Row[]) if (row.id) entry(row.id).incidents = row.n;
    return counts;
  }

  instancePath(instanceId: string): InstancePath {
    return {
      visited: (this.s.visited.all(instanceId) as Row[]).map((row) => row.elementId as string),
      active: (this.s.activeOf.all(instanceId) as Row[]).map((row) => row.elementId as string),
    };
  }

  /** The newest `.form` resources first (a formRef binds to the latest form with that id). */
  latestForms(limit = 200): FormResource[] {
    return this.s.formsByName.all(limit) as Row[];
  }

  resourceByName(deploymentId: string, name: string): FormResource | undefined {
    return this.s.resourceByName.get(deploymentId, name) as Row;
  }

  /** The newest history rows of one instance (the audit trail, newest first). */
  recentHistory(instanceId: string, limit: number): HistoryPageRow[] {
    return this.s.historyPage.all(instanceId, limit) as Row[];
  }

  /** Whether an instance id exists at all (running or ended). */
  hasInstance(instanceId: string): boolean {
    return this.s.anyInstance.get(instanceId) !== undefined;
  }
}
