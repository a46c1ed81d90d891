/**
 * Stores the decisions of a deployment's DMN resources next to its processes, versioned the
 * same way: each decision key gets version N+1 whenever its file is deployed again with changes
 * (an unchanged redeploy is filtered before this runs). Runs inside the deploy transaction.
 */
import { randomUUID } from 'node:crypto';
import type { DecisionDefinitionRecord } from '../store/decision-store.js';
import type { RepositoryStore } from '../store/repository-store.js';
import type { DecisionService } from './decisions.js';
import type { DeployResult, PreparedDeployment } from './deployer.js';
import { BadRequestError } from './errors.js';

export function storeDecisions(repository: RepositoryStore, decisions: DecisionService, prepared: PreparedDeployment, stored: DeployResult, now: number): DecisionDefinitionRecord[] | null {
  if (stored.definitions === null) return null;
  const deploymentId = stored.deployment.id;
  const storedNames = new Set(repository.resourcesOf(deploymentId).map((r) => r.name));
  const tenantId = prepared.request.tenantId ?? null;
  const records: DecisionDefinitionRecord[] = [];
  const keys = new Set<string>();
  for (const resource of prepared.resources) {
    const graph = resource.decisions;
    if (!graph || !storedNames.has(resource.name)) continue;
    const graphJson = JSON.stringify(graph);
    for (const decision of Object.values(graph.decisions)) {
      if (keys.has(decision.id)) throw new BadRequestError(`Decision '${decision.id}' is defined twice in one deployment`);
      keys.add(decision.id);
      const version = decisions.store.nextVersion(decision.id, tenantId);
      const record: DecisionDefinitionRecord = {
        id: `${decision.id}:${version}:${randomUUID()}`,
        key: decision.id,
        version,
        versionTag: decision.versionTag ?? null,
        name: decision.name ?? null,
        drdKey: graph.id,
        deploymentId,
        resourceName: resource.name,
        tenantId,
        historyTimeToLive: decision.historyTimeToLive ?? null,
        deployedAt: now,
      };
      decisions.store.insertDefinition(record, graphJson);
      decisions.remember(record.id, graph);
      records.push(record);
    }
  }
  return records;
}
