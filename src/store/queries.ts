/**
 * What REST and the cockpit read (the Camunda 7 and 8 query endpoints, the engine's variable
 * views for handlers and workers): a read-only interface, never a write. Implemented by the
 * SQLite QueryStore; commands never use it (they read through EngineStore).
 */
import type { Variables } from './variables.js';
import type { HistoryKind } from './history-entry.js';
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
import type {
  DefinitionQuery,
  DeploymentQuery,
  HistoryRow,
  IncidentQuery,
  InstanceQuery,
  JobQuery,
  LockCandidateQuery,
  TaskQuery,
} from './query-store.js';

export interface Queries {
  scopeVariables(scopeId: string): Variables;
  processVariables(instanceId: string): Variables;
  visibleVariables(instanceId: string, elementInstanceId: string | null): Variables;

  deployments(q: DeploymentQuery): DeploymentRecord[];
  countDeployments(q: DeploymentQuery): number;
  resource(deploymentId: string, resourceId: string): ResourceRecord | undefined;
  definitions(q: DefinitionQuery): DefinitionRecord[];
  countDefinitions(q: DefinitionQuery): number;
  definitionsById(ids: Iterable<string>): Map<string, DefinitionRecord>;
  versionTagOf(definitionId: string): string | null;
  /** the stored automatic layout of a definition deployed without diagram interchange */
  diagramLayout(definitionId: string): string | null;

  instances(q: InstanceQuery): InstanceRecord[];
  countInstances(q: InstanceQuery): number;
  elementInstancesOf(instanceId: string): ElementInstanceRecord[];
  elementInstance(id: string): ElementInstanceRecord | undefined;
  businessKeyOf(instanceId: string): string | null;

  tasks(q: TaskQuery): TaskRecord[];
  countTasks(q: TaskQuery): number;
  jobs(q: JobQuery): JobRecord[];
  countJobs(q: JobQuery): number;
  /** jobs an external-task worker may lock (the lock itself is a command) */
  lockCandidates(q: LockCandidateQuery): JobRecord[];
  nextTopicDue(topic: string): number | null;
  incidents(q: IncidentQuery): IncidentRecord[];
  countIncidents(q: IncidentQuery): number;
  incidentsOfInstance(instanceId: string): IncidentRecord[];

  historyOf(instanceId: string): HistoryRow[];
  historyRows(kinds: readonly HistoryKind[], instanceIds?: readonly string[]): HistoryRow[];
  instanceEnd(instanceId: string): { kind: string; reason: string | null } | undefined;
  startActor(instanceId: string): string | null;
}
