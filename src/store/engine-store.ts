/**
 * The store as the runtime sees it: what a command reads, and the one way it writes (`apply` a
 * change set). Today's SQLite store (RuntimeStore and the stores it delegates to) implements
 * these; a PostgreSQL store implements the same. Types only: nothing here knows SQLite.
 */
import type { ChangeSet } from './change-set.js';
import type {
  CompensationRecord,
  DefinitionRecord,
  DeploymentRecord,
  ElementInstanceRecord,
  IncidentRecord,
  InstanceRecord,
  JobRecord,
  ResourceRecord,
  SubscriptionRecord,
  TaskRecord,
  VariableRecord,
} from './records.js';
import type { BufferedMessage } from './buffered-message-store.js';

/** Running instances: their element instances, variables, jobs, user tasks and incidents. */
export interface InstanceReads {
  getInstance(id: string): InstanceRecord | undefined;
  elementInstancesOf(instanceId: string): ElementInstanceRecord[];
  variablesOf(instanceId: string): VariableRecord[];
  getJob(id: string): JobRecord | undefined;
  jobsOfElementInstance(instanceId: string, elementInstanceId: string): JobRecord[];
  jobIdsOfInstance(instanceId: string): string[];
  getTask(id: string): TaskRecord | undefined;
  taskOfElementInstance(elementInstanceId: string): TaskRecord | undefined;
  getIncident(id: string): IncidentRecord | undefined;
  incidentsOfJob(jobId: string): IncidentRecord[];
  incidentsOfElementInstance(elementInstanceId: string): IncidentRecord[];
}

/** Message and signal subscriptions, for correlation and broadcast. */
export interface SubscriptionReads {
  get(id: string): SubscriptionRecord | undefined;
  /** of waiting element instances, oldest first, created no later than `maxSeq` */
  waiting(kind: 'message' | 'signal', name: string, maxSeq?: number): SubscriptionRecord[];
  /** start-event subscriptions of deployed definitions */
  starts(kind: 'message' | 'signal', name: string, maxSeq?: number): SubscriptionRecord[];
  ofInstance(instanceId: string): SubscriptionRecord[];
  /** a committed variable of one scope (correlation compares encoded values) */
  variable(scopeId: string, name: string): { type: string; value: string | null } | undefined;
  elementIdOf(elementInstanceId: string): string | undefined;
}

/** Camunda 8's message buffer. */
export interface BufferedMessageReads {
  get(row: number): BufferedMessage | undefined;
  /** the oldest live message nobody holds, skipping those `reserved` says the running command holds */
  oldestLive(name: string, correlationKey: string, now: number, reserved: (row: number) => boolean): BufferedMessage | undefined;
  withMessageId(name: string, messageId: string, now: number): BufferedMessage | undefined;
}

/** Deployments, resources and process definitions. */
export interface RepositoryReads {
  getDeployment(id: string): DeploymentRecord | undefined;
  latestDeploymentNamed(name: string | null, source: string | null, tenantId: string | null): DeploymentRecord | undefined;
  latestResourceHash(resourceName: string, name: string | null, source: string | null, tenantId: string | null): string | undefined;
  resourcesOf(deploymentId: string): ResourceRecord[];
  resourceContent(deploymentId: string, resourceId: string): Buffer | undefined;
  resourceByName(deploymentId: string, name: string): Buffer | undefined;
  nextVersion(key: string, tenantId: string | null): number;
  getDefinition(id: string): DefinitionRecord | undefined;
  /** existence and the suspended flag alone (what every start checks) */
  definitionState(id: string): { suspended: boolean } | undefined;
  graphJson(id: string): string | undefined;
  latestDefinition(key: string, tenantId?: string | null): DefinitionRecord | undefined;
  definitionByVersion(key: string, version: number, tenantId?: string | null): DefinitionRecord | undefined;
  definitionByVersionTag(key: string, versionTag: string, tenantId?: string | null): DefinitionRecord | undefined;
  definitionsOfDeployment(deploymentId: string): DefinitionRecord[];
  activeInstanceIdsOf(definitionId: string): string[];
  /** the latest version of every process definition key (per tenant) */
  latestDefinitions(): DefinitionRecord[];
}

/** Compensation subscriptions: the completed activities a compensation throw can still compensate. */
export interface CompensationReads {
  /** an instance's subscriptions in the order their activities completed */
  ofInstance(instanceId: string): CompensationRecord[];
}

/** What the scheduler polls: due jobs, and when the next one is due. */
export interface JobQueueReads {
  dueEngineJobs(now: number, limit: number): JobRecord[];
  dueTopicJobs(topic: string, now: number, limit: number): JobRecord[];
  nextDue(topics: Iterable<string>): number | null;
  engineLockCount(): number;
  /** true when `owner` still holds the job's lock (PostgreSQL: the row stays locked until the command commits) */
  isLockedBy(jobId: string, owner: string): boolean;
}

/**
 * The store a command runs against: it reads through here and writes only by appending to its
 * change set, which the command loop hands to `apply` inside the batch transaction.
 */
export interface EngineStore extends InstanceReads {
  readonly subscriptions: SubscriptionReads;
  readonly bufferedMessages: BufferedMessageReads;
  readonly repository: RepositoryReads;
  readonly compensations: CompensationReads;
  /** applies one command's change set, in order, inside the running transaction */
  apply(changes: ChangeSet): void;
}

/**
 * Writes a store buffers during a batch and writes once, just before the commit (history rows):
 * the command loop marks and rolls them back with a failing command, and flushes them.
 */
export interface DeferredWrites {
  /** a position to roll back to if the command about to run fails */
  mark(): number;
  rollback(mark: number): void;
  /** write everything buffered (inside the batch transaction) */
  flush(): void;
  /** forget everything buffered (the batch transaction rolled back) */
  clear(): void;
}

/**
 * How the command loop opens transactions: `transaction(fn)` returns a function that runs `fn`
 * in a transaction, or in a savepoint when one is open already (better-sqlite3's Database is one).
 */
export interface Transactions {
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}
