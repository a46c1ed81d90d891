import type { SqlDatabase } from './sql-database.js';
import type { DefinitionRecord, DeploymentRecord, ResourceRecord } from './records.js';
import { dialectOf } from './sql-database.js';
import { DeploymentLock } from './postgres/multi-node-deploy.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = any;

/** Deployments, their resources and the process definitions compiled from them. */
export class RepositoryStore {
  private readonly s;

  /** PostgreSQL (several engine nodes): deploys of two nodes run one after the other */
  private readonly deploymentLock: DeploymentLock | undefined;

  constructor(readonly db: SqlDatabase) {
    this.deploymentLock = dialectOf(db) === 'postgres' ? new DeploymentLock(db) : undefined;
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertDeployment: p(`INSERT INTO deployments (id, name, source, tenant_id, deployed_at) VALUES (?, ?, ?, ?, ?)`),
      getDeployment: p(`SELECT * FROM deployments WHERE id = ?`),
      insertResource: p(`INSERT INTO resources (id, deployment_id, name, content, sha256) VALUES (?, ?, ?, ?, ?)`),
      resourcesOf: p(`SELECT id, deployment_id, name, sha256 FROM resources WHERE deployment_id = ? ORDER BY rowid`),
      resourceContent: p(`SELECT content FROM resources WHERE deployment_id = ? AND id = ?`),
      resourceByName: p(`SELECT content FROM resources WHERE deployment_id = ? AND name = ?`),
      latestDeploymentNamed: p(`SELECT * FROM deployments WHERE ifnull(name, '') = ? AND ifnull(source, '') = ? AND ifnull(tenant_id, '') = ?
        ORDER BY deployed_at DESC, rowid DESC LIMIT 1`),
      latestResourceNamed: p(`SELECT r.sha256 FROM resources r JOIN deployments d ON d.id = r.deployment_id
        WHERE r.name = ? AND ifnull(d.name, '') = ? AND ifnull(d.source, '') = ? AND ifnull(d.tenant_id, '') = ?
        ORDER BY d.deployed_at DESC, d.rowid DESC LIMIT 1`),
      insertDefinition: p(`INSERT INTO definitions (id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, graph, deployed_at)
        VALUES (@id, @key, @version, @versionTag, @name, @deploymentId, @resourceName, @sha256, @tenantId, @graph, @deployedAt)`),
      maxVersion: p(`SELECT max(version) AS v FROM definitions WHERE key = ? AND ifnull(tenant_id, '') = ?`),
      activeInstanceIdsOf: p(`SELECT id FROM instances WHERE definition_id = ? AND state = 'active' ORDER BY rowid`),
      getDefinition: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended FROM definitions WHERE id = ?`),
      // every start reads this: the two columns it needs, not the whole row (building a row object costs more than the lookup)
      definitionSuspended: p(`SELECT suspended FROM definitions WHERE id = ?`),
      graphOf: p(`SELECT graph FROM definitions WHERE id = ?`),
      latestDefinition: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended
        FROM definitions WHERE key = ? AND ifnull(tenant_id, '') = ? ORDER BY version DESC LIMIT 1`),
      definitionByVersion: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended
        FROM definitions WHERE key = ? AND ifnull(tenant_id, '') = ? AND version = ?`),
      definitionByVersionTag: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended
        FROM definitions WHERE key = ? AND ifnull(tenant_id, '') = ? AND version_tag = ? ORDER BY version DESC LIMIT 1`),
      latestDefinitions: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended
        FROM definitions d WHERE version = (SELECT max(version) FROM definitions o WHERE o.key = d.key AND ifnull(o.tenant_id, '') = ifnull(d.tenant_id, ''))
        ORDER BY key, ifnull(tenant_id, '')`),
      definitionsOfDeployment: p(`SELECT id, key, version, version_tag, name, deployment_id, resource_name, sha256, tenant_id, deployed_at, suspended
        FROM definitions WHERE deployment_id = ? ORDER BY rowid`),
      deleteStartJobsOf: p(`DELETE FROM jobs WHERE instance_id IS NULL AND definition_id = ?`),
      deleteStartSubscriptionsOf: p(`DELETE FROM subscriptions WHERE instance_id IS NULL AND definition_id = ?`),
      deleteDiagramLayoutsOf: p(`DELETE FROM diagram_layouts WHERE definition_id = ?`),
      deleteDefinitionsOf: p(`DELETE FROM definitions WHERE deployment_id = ?`),
      deleteResourcesOf: p(`DELETE FROM resources WHERE deployment_id = ?`),
      deleteDeployment: p(`DELETE FROM deployments WHERE id = ?`),
    };
  }

  insertDeployment(d: DeploymentRecord): void {
    this.s.insertDeployment.run(d.id, d.name, d.source, d.tenantId, d.deployedAt);
  }

  /**
   * Removes a deployment, its resources and definitions, and what waits to start them (timer
   * start jobs, message/signal start subscriptions). Instances must be ended first; their
   * history stays. Runs inside a command (engine.submit).
   */
  deleteDeployment(deploymentId: string): void {
    for (const definition of this.definitionsOfDeployment(deploymentId)) {
      this.s.deleteStartJobsOf.run(definition.id);
      this.s.deleteStartSubscriptionsOf.run(definition.id);
      this.s.deleteDiagramLayoutsOf.run(definition.id);
    }
    this.s.deleteDefinitionsOf.run(deploymentId);
    this.s.deleteResourcesOf.run(deploymentId);
    this.s.deleteDeployment.run(deploymentId);
  }

  getDeployment(id: string): DeploymentRecord | undefined {
    const row: Row = this.s.getDeployment.get(id);
    return row && toDeployment(row);
  }

  insertResource(r: ResourceRecord, content: Buffer): void {
    this.s.insertResource.run(r.id, r.deploymentId, r.name, content, r.sha256);
  }

  resourcesOf(deploymentId: string): ResourceRecord[] {
    return (this.s.resourcesOf.all(deploymentId) as Row[]).map((row) => ({ id: row.id, deploymentId: row.deployment_id, name: row.name, sha256: row.sha256 }));
  }

  resourceContent(deploymentId: string, resourceId: string): Buffer | undefined {
    return (this.s.resourceContent.get(deploymentId, resourceId) as Row)?.content;
  }

  resourceByName(deploymentId: string, name: string): Buffer | undefined {
    return (this.s.resourceByName.get(deploymentId, name) as Row)?.content;
  }

  latestDeploymentNamed(name: string | null, source: string | null, tenantId: string | null): DeploymentRecord | undefined {
    const row: Row = this.s.latestDeploymentNamed.get(name ?? '', source ?? '', tenantId ?? '');
    return row && toDeployment(row);
  }

  /** sha256 of the newest resource called `resourceName` among deployments with this name, source and tenant. */
  latestResourceHash(resourceName: string, name: string | null, source: string | null, tenantId: string | null): string | undefined {
    this.deploymentLock?.take();
    return (this.s.latestResourceNamed.get(resourceName, name ?? '', source ?? '', tenantId ?? '') as Row)?.sha256;
  }

  insertDefinition(d: DefinitionRecord, graphJson: string): void {
    this.s.insertDefinition.run({ ...d, graph: graphJson });
  }

  nextVersion(key: string, tenantId: string | null): number {
    this.deploymentLock?.take();
    return (((this.s.maxVersion.get(key, tenantId ?? '') as Row)?.v as number | null) ?? 0) + 1;
  }


  /** Ids of the running instances of a definition, oldest first (a cascading delete cancels them). */
  activeInstanceIdsOf(definitionId: string): string[] {
    return (this.s.activeInstanceIdsOf.all(definitionId) as Row[]).map((row) => row.id as string);
  }

  getDefinition(id: string): DefinitionRecord | undefined {
    const row: Row = this.s.getDefinition.get(id);
    return row && toDefinition(row);
  }

  /** Whether the definition exists (undefined: its deployment was deleted) and is suspended. */
  definitionState(id: string): { suspended: boolean } | undefined {
    const row: Row = this.s.definitionSuspended.get(id);
    return row && { suspended: row.suspended === 1 };
  }

  graphJson(id: string): string | undefined {
    return (this.s.graphOf.get(id) as Row)?.graph;
  }

  latestDefinition(key: string, tenantId: string | null = null): DefinitionRecord | undefined {
    const row: Row = this.s.latestDefinition.get(key, tenantId ?? '');
    return row && toDefinition(row);
  }

  definitionByVersion(key: string, version: number, tenantId: string | null = null): DefinitionRecord | undefined {
    const row: Row = this.s.definitionByVersion.get(key, tenantId ?? '', version);
    return row && toDefinition(row);
  }

  definitionByVersionTag(key: string, versionTag: string, tenantId: string | null = null): DefinitionRecord | undefined {
    const row: Row = this.s.definitionByVersionTag.get(key, tenantId ?? '', versionTag);
    return row && toDefinition(row);
  }

  /** The latest version of every process definition key (per tenant). */
  latestDefinitions(): DefinitionRecord[] {
    return (this.s.latestDefinitions.all() as Row[]).map(toDefinition);
  }

  definitionsOfDeployment(deploymentId: string): DefinitionRecord[] {
    return (this.s.definitionsOfDeployment.all(deploymentId) as Row[]).map(toDefinition);
  }
}

export function toDeployment(row: Row): DeploymentRecord {
  return { id: row.id, name: row.name, source: row.source, tenantId: row.tenant_id, deployedAt: row.deployed_at };
}

export function toDefinition(row: Row): DefinitionRecord {
  return {
    id: row.id,
    key: row.key,
    version: row.version,
    versionTag: row.version_tag,
    name: row.name,
    deploymentId: row.deployment_id,
    resourceName: row.resource_name,
    sha256: row.sha256,
    tenantId: row.tenant_id,
    deployedAt: row.deployed_at,
    ...(row.suspended === 1 ? { suspended: true } : {}),
  };
}
