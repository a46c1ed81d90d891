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
import type {
  EventSubscriptionQuery,
  EventSubscriptionRow,
  ExecutionQuery,
  ExecutionRow,
  VariableInstanceQuery,
  VariableInstanceRow,
} from './execution-queries.js';
import type { DefinitionCounts, ElementStatistics, FormResource, HistoryPageRow, InstancePath } from './cockpit-queries.js';
import type { IncidentCount, InstanceCount, JobCount } from './metrics-queries.js';

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

  /** Camunda 7's execution-shaped resources: executions, event subscriptions, variable instances */
  readonly execution: ExecutionReads;
  /** the cockpit's aggregates and the forms a task links to */
  readonly cockpit: CockpitReads;
  /** what the Prometheus gauges and the readiness check read */
  readonly metrics: MetricsReads;
}

export interface ExecutionReads {
  executions(q: ExecutionQuery): ExecutionRow[];
  countExecutions(q: ExecutionQuery): number;
  eventSubscriptions(q: EventSubscriptionQuery): EventSubscriptionRow[];
  countEventSubscriptions(q: EventSubscriptionQuery): number;
  variableInstances(q: VariableInstanceQuery): VariableInstanceRow[];
  countVariableInstances(q: VariableInstanceQuery): number;
  variableInstance(scopeId: string, name: string): VariableInstanceRow | undefined;
}

export interface CockpitReads {
  /** active tokens and open incidents per element of one definition */
  elementStatistics(definitionId: string): ElementStatistics[];
  /** running instances and open incidents for every definition that has any */
  definitionCounts(): Map<string, DefinitionCounts>;
  instancePath(instanceId: string): InstancePath;
  /** the newest `.form` resources first */
  latestForms(limit?: number): FormResource[];
  resourceByName(deploymentId: string, name: string): FormResource | undefined;
  /** the newest history rows of one instance, newest first */
  recentHistory(instanceId: string, limit: number): HistoryPageRow[];
  hasInstance(instanceId: string): boolean;
}

export interface MetricsReads {
  instanceCounts(): InstanceCount[];
  openIncidents(): IncidentCount[];
  jobsDue(now: number): JobCount[];
  jobsLocked(now: number): JobCount[];
  /** false once the engine closed its database (a scrape then reads nothing) */
  isOpen(): boolean;
  /** whether a write transaction could be opened now; takes the write lock and rolls back, writing nothing */
  canWrite(): { ok: true } | { ok: false; reason: string };
}
