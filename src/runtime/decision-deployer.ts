/**
 * Stores the decisions of a deployment's DMN resources next to its processes, versioned the
 * same way: each decision key gets version N+1 whenever its file is deployed again with changes
 * (an unchanged redeploy is filtered before this runs). Runs inside the deploy command: the rows
 * go to its change set.
 */
import { randomUUID } from 'node:crypto';
import type { DecisionDefinitionRecord } from '../store/decision-store.js';
import type { ChangeSet } from '../store/change-set.js';
import type { DecisionService } from './decisions.js';
import type { PreparedDeployment, StoredDeployment } from './deployer.js';
import { BadRequestError } from './errors.js';

export function storeDecisions(changes: ChangeSet, decisions: DecisionService, prepared: PreparedDeployment, stored: StoredDeployment, now: number): DecisionDefinitionRecord[] | null {
  if (stored.result.definitions === null) return null;
  const deploymentId = stored.result.deployment.id;
  const storedNames = new Set(stored.resources.map((r) => r.name));
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
      changes.add({ kind: 'insertDecisionDefinition', definition: record, graph: graphJson });
      decisions.remember(record.id, graph);
      records.push(record);
    }
  }
  return records;
}
