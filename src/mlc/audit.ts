/**
 * The audit answer for one model version: who approved it, when, with which test results; its
 * status history, deployments and the process instances that touched it — joined from the
 * registry and the engine's append-only history (task completions with actor and variables).
 */
import type { DeploymentRecord, TestResultRecord, VersionEventRecord, VersionRecord, ModelRecord } from '../store/registry-store.js';
import type { ModelLifecycle } from './lifecycle.js';

export interface TaskDecision {
  instanceId: string;
  definitionKey: string;
  taskName: string | null;
  elementId: string | null;
  /** the user who completed the task */
  actor: string | null;
  at: string;
  /** variables set with the completion (approved, comment, ...) */
  variables: Record<string, unknown>;
  /** test results of this version recorded before the decision, by the same instance first */
  testResults: { id: string; dataset: string; passed: boolean; metrics: unknown; createdAt: string }[];
}

export interface AuditReport {
  model: Pick<ModelRecord, 'id' | 'name' | 'type' | 'ownerGroup'>;
  version: VersionRecord;
  approval: { approvedBy: string | null; approvedAt: string | null; instanceId: string | null; testResultIds: string[] } | null;
  statusHistory: { from: string | null; to: string | null; kind: string; at: string; instanceId: string | null; actor: string | null; data: unknown }[];
  decisions: TaskDecision[];
  testResults: TestResultRecord[];
  deployments: DeploymentRecord[];
  instances: { id: string; definitionKey: string; businessKey: string | null; state: string; startedAt: string; endedAt: string | null }[];
}

const iso = (t: number) => new Date(t).toISOString();

export function buildAudit(lc: ModelLifecycle, modelId: string, n: number): AuditReport {
  const model = lc.registry.model(modelId);
  const version = lc.registry.version(modelId, n);
  const events = lc.registry.events(modelId, n);
  const testResults = lc.store.testResults({ modelId, version: n });
  const deployments = lc.store.deployments({ modelId, version: n });

  const instanceIds = new Set<string>();
  if (version.createdByInstance) instanceIds.add(version.createdByInstance);
  for (const e of events) if (e.instanceId) instanceIds.add(e.instanceId);
  for (const t of testResults) if (t.instanceId) instanceIds.add(t.instanceId);
  for (const d of deployments) if (d.instanceId) instanceIds.add(d.instanceId);
  for (const i of lc.engine.queries.instances({ businessKey: `${modelId}:v${n}`, state: 'any' })) instanceIds.add(i.id);

  const instances: AuditReport['instances'] = [];
  const decisions: TaskDecision[] = [];
  for (const id of instanceIds) {
    const instance = lc.engine.queries.instances({ ids: [id], state: 'any' })[0];
    if (!instance) continue;
    instances.push({
      id, definitionKey: instance.definitionKey, businessKey: instance.businessKey, state: instance.state,
      startedAt: iso(instance.startedAt), endedAt: instance.endedAt === null ? null : iso(instance.endedAt),
    });
    const rows = lc.engine.queries.historyOf(id);
    rows.forEach((row, index) => {
      if (row.kind !== 'taskCompleted') return;
      const data = row.data ? (JSON.parse(row.data) as { name?: string | null }) : {};
      const variables: Record<string, unknown> = {};
      for (let j = index + 1; j < rows.length; j++) {
        const next = rows[j]!;
        // the completion's own variables follow it directly, at the process level
        if (next.kind !== 'variableSet' || next.at !== row.at || next.actor !== row.actor) break;
        if (next.elementInstanceId !== null || !next.data) continue;
        const v = JSON.parse(next.data) as { name: string; type: string; value: string | null };
        variables[v.name] = decode(v.type, v.value);
      }
      const before = testResults.filter((t) => t.createdAt <= row.at).sort((a, b) => Number(b.instanceId === id) - Number(a.instanceId === id));
      decisions.push({
        instanceId: id,
        definitionKey: instance.definitionKey,
        taskName: data.name ?? null,
        elementId: row.elementId,
        actor: row.actor,
        at: iso(row.at),
        variables,
        testResults: before.map((t) => ({ id: t.id, dataset: t.dataset, passed: t.passed, metrics: t.metrics, createdAt: iso(t.createdAt) })),
      });
    });
  }

  const approvedEvent = events.find((e) => e.toStatus === 'approved');
  const approvalDecision = approvedEvent
    ? [...decisions].reverse().find((d) => d.instanceId === approvedEvent.instanceId && d.variables.approved === true) ?? null
    : null;
  return {
    model: { id: model.id, name: model.name, type: model.type, ownerGroup: model.ownerGroup },
    version,
    approval: approvedEvent
      ? {
          approvedBy: approvalDecision?.actor ?? approvedEvent.actor,
          approvedAt: approvalDecision?.at ?? iso(approvedEvent.at),
          instanceId: approvedEvent.instanceId,
          testResultIds: (approvalDecision?.testResults ?? testResults.filter((t) => t.createdAt <= approvedEvent.at)).map((t) => t.id),
        }
      : null,
    statusHistory: events.map((e: VersionEventRecord) => ({
      from: e.fromStatus, to: e.toStatus, kind: e.kind, at: iso(e.at), instanceId: e.instanceId, actor: e.actor, data: e.data,
    })),
    decisions,
    testResults,
    deployments,
    instances: instances.sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
  };
}

function decode(type: string, text: string | null): unknown {
  switch (type) {
    case 'number':
      return Number(text);
    case 'boolean':
      return text === '1';
    case 'json':
      return text === null ? null : JSON.parse(text);
    case 'null':
      return null;
    default:
      return text;
  }
}
